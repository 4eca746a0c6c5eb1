  GRUB, grub.cfg on the EFI system partition (UEFI starts GRUB): [#list layers.machines?filter(m -> m.base.bootLoader.id() == "grub") as m][=m.name][#sep], [/#list]
