  U-Boot, boot.scr on the boot partition: [#list layers.machines?filter(m -> m.base.bootLoader.id() == "u-boot") as m][=m.name][#sep], [/#list]
