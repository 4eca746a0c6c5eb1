#@TYPE: Machine
#@NAME: ModuCop [=machine.base.name]
#@DESCRIPTION: [=machine.description]
[=header]

# moducop-board: the override the layer's bbappends are gated on
MACHINEOVERRIDES =. "[#list machine.base.machineOverrides as o][=o]:[/#list]moducop-board:"

require conf/machine/[=machine.base.machine].conf
[#if machine.base.kmachine??]

KMACHINE = "[=machine.base.kmachine]"
[/#if]
[#list machine.base.settings as s]
[#if s?is_first]

[/#if]
[=s.name] = "[=s.value]"
[/#list]

# The kernel and its device tree live in each root slot, so an update replaces them too.
MACHINE_ESSENTIAL_EXTRA_RDEPENDS += "kernel-image[#if machine.base.deviceTree.fromFile()] kernel-devicetree[/#if] moducop-boot"
EXTRA_IMAGEDEPENDS += "virtual/bootloader moducop-boot"

IMAGE_FSTYPES += "wic wic.bmap[#if distro.rauc] ext4[/#if]"
WKS_FILE = "[=machine.name].wks"
[#if machine.base.bootFilesRemove?has_content]
IMAGE_BOOT_FILES:remove = "[#list machine.base.bootFilesRemove as f][=f][#sep] [/#list]"
[/#if]
IMAGE_BOOT_FILES:append = " moducop-boot.scr;boot.scr"
do_image_wic[depends] += "moducop-boot:do_deploy"
[#if distro.rauc]

# RAUC installs only bundles made for this compatible string (system.conf has the same).
MODUCOP_RAUC_COMPATIBLE = "[=machine.ota.compatible]"
[#if !machine.keyringInLayer()]
# The profile names no keyring: the build configuration sets MODUCOP_RAUC_KEYRING_DIR to a
# directory holding ca.cert.pem.
MODUCOP_RAUC_KEYRING_FROM_BUILD = "1"
[/#if]
[/#if]
