[=header]
# [=machine.base.name]: boot, rootA, rootB, data on [=machine.layout.table]; partitions start on 4 MiB boundaries.
# rootB starts as a copy of rootA so that the fallback slot boots from the first day.
# data has no file system: the first boot formats it (see moducop-init).

[#list machine.layout.parts as part]
[#if part.name == "boot"]
part [#if machine.env.bootMount??][=machine.env.bootMount] [/#if]--source bootimg-partition --fstype=vfat --label boot[#if machine.layout.table == "msdos"] --active[/#if] --align 4096 --fixed-size [=part.wicSize()]
[#elseif part.name == "data"]
part --fstype=none[#if machine.layout.table == "gpt"] --part-name data[/#if] --align 4096 --fixed-size [=part.wicSize()]
[#else]
part / --source rootfs --fstype=ext4 --label [=part.name][#if machine.layout.table == "gpt"] --part-name [=part.name][/#if] --align 4096 --fixed-size [=part.wicSize()]
[/#if]
[/#list]

bootloader --ptable [=machine.layout.table]
