#@TYPE: Machine
#@NAME: ModuCop [=m.name()]
#@DESCRIPTION: [=description]
[=header]

# moducop-board: the override the layer's bbappends are gated on
MACHINEOVERRIDES =. "[#list m.machineOverrides() as o][=o]:[/#list]moducop-board:"

require conf/machine/[=m.machine()].conf
[#if m.kmachine()??]

KMACHINE = "[=m.kmachine()]"
[/#if]
[#list m.settings() as s]
[#if s?is_first]

[/#if]
[=s.name()] = "[=s.value()]"
[/#list]

# The kernel and its device tree live in each root slot, so an update replaces them too.
MACHINE_ESSENTIAL_EXTRA_RDEPENDS += "kernel-image[#if m.deviceTree().fromFile()] kernel-devicetree[/#if] moducop-boot"
EXTRA_IMAGEDEPENDS += "virtual/bootloader moducop-boot"

IMAGE_FSTYPES += "wic wic.bmap[#if p.ota().rauc()] ext4[/#if]"
WKS_FILE = "[=p.board().name()].wks"
[#if m.bootFilesRemove()?has_content]
IMAGE_BOOT_FILES:remove = "[#list m.bootFilesRemove() as f][=f][#sep] [/#list]"
[/#if]
IMAGE_BOOT_FILES:append = " moducop-boot.scr;boot.scr"
[#if env.bootMount()??]
# U-Boot keeps its environment on the boot partition, mounted here for fw_setenv.
MODUCOP_BOOT_MOUNT = "[=env.bootMount()]"
[/#if]
do_image_wic[depends] += "moducop-boot:do_deploy"
[#if p.ota().rauc()]

# RAUC installs only bundles made for this compatible string (system.conf has the same).
MODUCOP_RAUC_COMPATIBLE = "[=p.ota().compatible()]"
[/#if]
