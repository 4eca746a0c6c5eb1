# GRUB on the EFI system partition picks root slot A or B with boot counting (moducop-grub's
# grub.cfg and grubenv); the kernel lives in each root slot, so an update replaces it too.
EFI_PROVIDER = "grub-efi"
MACHINE_ESSENTIAL_EXTRA_RDEPENDS += "kernel-image moducop-grub"
EXTRA_IMAGEDEPENDS += "moducop-grub"
# grub.cfg's commands beyond grub-efi's GRUB_BUILDIN: wic puts only GRUB's EFI binary on the
# partition, no modules to load.
GRUB_BUILDIN:append:pn-grub-efi = " echo regexp reboot"
# moducop-grub provides grub.cfg; grub-bootconf's would be a second, unused one in the root slot.
PREFERRED_RPROVIDER_virtual-grub-bootconf = "moducop-grub"
SKIP_RECIPE[moducop-boot] = "the U-Boot boot flow; this machine boots with GRUB (moducop-grub)"

WKS_FILE = "[=machine.name].wks.in"
do_image_wic[depends] += "moducop-grub:do_deploy"
IMAGE_EFI_BOOT_FILES:append = " moducop-grubenv;EFI/BOOT/grubenv"
