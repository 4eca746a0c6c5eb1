# short-description: ModuCop A/B layout for [=machine.name] ([=machine.base.name], UEFI)
# long-description: EFI system partition (vfat: GRUB, grub.cfg, grubenv), rootA and rootB (ext4),
# data on gpt, partitions on 4 MiB boundaries. rootB starts as a copy of rootA so that the fallback
# slot boots from the first day. data starts with moducop-data-blank.img, a marker the first boot
# formats it on (see moducop-init). The kernel stays in the root slots; no part adds an /etc/fstab
# line: the EFI system partition is mounted by efi.mount (moducop-grub).
[=header]

[#list machine.layout.parts as part]
[#if part.name == "boot"]
part --source bootimg-efi --sourceparams="loader=${EFI_PROVIDER},install-kernel-into-boot-dir=false" --fstype=vfat --label boot --part-type C12A7328-F81F-11D2-BA4B-00A0C93EC93B --align 4096[#if machine.bootOffset()??] --offset [=machine.bootOffset()][/#if] --fixed-size [=part.wicSize()]
[#elseif part.name == "data"]
part --source rawcopy --sourceparams="file=moducop-data-blank.img" --part-name data --align 4096 --fixed-size [=part.wicSize()]
[#else]
part / --source rootfs --fstype=ext4 --label [=part.name] --part-name [=part.name] --align 4096 --fixed-size [=part.wicSize()]
[/#if]
[/#list]

bootloader --ptable gpt --configfile="${DEPLOY_DIR_IMAGE}/moducop-grub.cfg"
