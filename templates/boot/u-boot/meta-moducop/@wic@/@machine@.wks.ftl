# short-description: ModuCop A/B layout for [=machine.name] ([=machine.base.name])
# long-description: boot (vfat), rootA and rootB (ext4), data on [=machine.layout.table], partitions on 4 MiB
# boundaries. rootB starts as a copy of rootA so that the fallback slot boots from the first day.
# data starts with moducop-data-blank.img, a marker the first boot formats it on (see moducop-init);
# writing the marker makes bmaptool overwrite what an earlier image left on a reused card.
# No part adds an /etc/fstab line: a root slot written by a RAUC bundle has the same fstab, and
# the boot partition is mounted by uboot.mount (moducop-boot).
[=header]

[#list machine.base.rawArea.images as img]
[#if img?is_first]
# The board's boot images at the offsets its boot ROM reads, before the first partition; each may take
# no more than its room, so it cannot overwrite what follows.
[/#if]
part --source rawcopy --sourceparams="file=[=img.file]" --no-table --offset [=img.wicOffset()] --fixed-size [=img.wicSize()]
[/#list]
[#list machine.layout.parts as part]
[#if part.name == "boot"]
part --source bootimg-partition --fstype=vfat --label boot[#if machine.layout.table == "msdos"] --active[/#if] --align 4096[#if machine.bootOffset()??] --offset [=machine.bootOffset()][/#if] --fixed-size [=part.wicSize()]
[#elseif part.name == "data"]
part --source rawcopy --sourceparams="file=moducop-data-blank.img"[#if machine.layout.table == "gpt"] --part-name data[/#if] --align 4096 --fixed-size [=part.wicSize()]
[#else]
part / --source rootfs --fstype=ext4 --label [=part.name][#if machine.layout.table == "gpt"] --part-name [=part.name][/#if] --align 4096 --fixed-size [=part.wicSize()]
[/#if]
[/#list]

bootloader --ptable [=machine.layout.table]
