#@TYPE: Machine
#@NAME: ModuCop [=machine.base.name]
#@DESCRIPTION: [=machine.description]
[=header]

# moducop-board: the override the layer's bbappends are gated on
MACHINEOVERRIDES =. "[#list machine.base.machineOverrides as o][=o]:[/#list]moducop-board:"

# The flashable wic image with its bmap[#if distro.rauc], and the ext4 image RAUC bundles are made from[/#if]. Set
# before the require, so these defaults win over the base machine's while local.conf still can.
IMAGE_FSTYPES ?= "wic wic.bmap[#if distro.rauc] ext4[/#if]"

require conf/machine/[=machine.base.machine].conf
[#if machine.base.kmachine??]

KMACHINE = "[=machine.base.kmachine]"
[/#if]
[#if machine.base.machine == "qemuarm64"]

# runqemu boots the wic image the way the boot flow expects (oe-core scripts/runqemu): U-Boot as
# -bios, no -kernel; the disk as virtio-blk (U-Boot's "virtio 0", Linux's /dev/vda); U-Boot's
# environment in the second flash bank, which moducop-boot deploys blank.
QB_DEFAULT_BIOS ?= "u-boot.bin"
QB_DEFAULT_KERNEL ?= "none"
QB_DEFAULT_FSTYPE ?= "wic"
QB_DRIVE_TYPE ?= "/dev/vd"
QB_MEM ?= "-m 1024"
QB_OPT_APPEND:append = " -drive if=pflash,unit=1,format=raw,file=@DEPLOY_DIR_IMAGE@/moducop-uboot-env-pflash.img"
[/#if]
[#if machine.base.machine?starts_with("raspberrypi")]

# moducop-image installs the board's MACHINE_EXTRA_RRECOMMENDS. meta-raspberrypi's Wi-Fi firmware
# (linux-firmware-rpidistro) is built only once the build accepts its licence flag,
# LICENSE_FLAGS_ACCEPTED += "synaptics-killswitch" (meta-raspberrypi docs/ipcompliance.md); until
# then the image goes without it rather than failing with "Nothing RPROVIDES".
MACHINE_EXTRA_RRECOMMENDS:remove = "${@'' if any(f in (d.getVar('LICENSE_FLAGS_ACCEPTED') or '').split() for f in ('synaptics-killswitch', 'synaptics-killswitch_linux-firmware-rpidistro')) else 'linux-firmware-rpidistro-bcm43455 linux-firmware-rpidistro-bcm43456'}"
[/#if]
[#list machine.base.settings as s]
[#if s?is_first]

[/#if]
[=s.name] = "[=s.value]"
[/#list]

# The kernel and its device tree live in each root slot, so an update replaces them too.
MACHINE_ESSENTIAL_EXTRA_RDEPENDS += "kernel-image[#if machine.base.deviceTree.fromFile()] kernel-devicetree[/#if] moducop-boot"
EXTRA_IMAGEDEPENDS += "virtual/bootloader moducop-boot"

WKS_FILE = "[=machine.name].wks"
[#if machine.base.bootFilesRemove?has_content]
IMAGE_BOOT_FILES:remove = "[#list machine.base.bootFilesRemove as f][=f][#sep] [/#list]"
[/#if]
IMAGE_BOOT_FILES:append = " moducop-boot.scr;boot.scr"
do_image_wic[depends] += "moducop-boot:do_deploy"
[#list machine.base.rawArea.images as img]
do_image_wic[depends] += "[=img.recipe]:do_deploy"
[/#list]
[#if distro.rauc]

# RAUC installs only bundles made for this compatible string (system.conf has the same).
MODUCOP_RAUC_COMPATIBLE = "[=machine.ota.compatible]"
[#if !machine.keyringInLayer()]
# The profile names no keyring: the build configuration sets MODUCOP_RAUC_KEYRING_DIR to a
# directory holding ca.cert.pem.
MODUCOP_RAUC_KEYRING_FROM_BUILD = "1"
[/#if]
[/#if]
