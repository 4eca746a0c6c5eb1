# The kernel and its device tree live in each root slot, so an update replaces them too.
MACHINE_ESSENTIAL_EXTRA_RDEPENDS += "kernel-image[#if machine.base.deviceTree.fromFile()] kernel-devicetree[/#if] moducop-boot"
EXTRA_IMAGEDEPENDS += "virtual/bootloader moducop-boot"

WKS_FILE = "[=machine.name].wks"
[#if machine.base.bootFilesRemove?has_content]
IMAGE_BOOT_FILES:remove = "[#list machine.base.bootFilesRemove as f][=f][#sep] [/#list]"
[/#if]
IMAGE_BOOT_FILES:append = " moducop-boot.scr;boot.scr"
do_image_wic[depends] += "moducop-boot:do_deploy"
