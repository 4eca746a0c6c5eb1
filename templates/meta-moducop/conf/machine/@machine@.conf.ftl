#@TYPE: Machine
#@NAME: ModuCop [=machine.base.name]
#@DESCRIPTION: [=machine.description]
[=header]

[#assign loader = machine.base.bootLoader]
# moducop-board: the override the layer's bbappends are gated on[#if machine.base.runqemu??]; moducop-runqemu: runqemu
# boots this machine (moducop-boot deploys its environment flash)[/#if][#if loader.override()??]; [=loader.override()]: the
# override its boot flow's recipe ([=loader.recipe()]) is built for[/#if]
MACHINEOVERRIDES =. "[#list machine.base.machineOverrides as o][=o]:[/#list][#if machine.base.runqemu??]moducop-runqemu:[/#if][#if loader.override()??][=loader.override()]:[/#if]moducop-board:"

# The flashable wic image with its bmap[#if distro.rauc], and the ext4 image RAUC bundles are made from[/#if]. Set
# before the require, so these defaults win over the base machine's while local.conf still can.
IMAGE_FSTYPES ?= "wic wic.bmap[#if distro.rauc] ext4[/#if]"

require conf/machine/[=machine.base.machine].conf
[#if machine.base.kmachine??]

KMACHINE = "[=machine.base.kmachine]"
[/#if]
[#if machine.base.runqemu??]
[#assign q = machine.base.runqemu]

# runqemu boots the wic image the way the boot flow expects (oe-core scripts/runqemu): U-Boot as
# -bios, no -kernel; the disk as U-Boot's and Linux's boot device; U-Boot's environment in the
# second flash bank, which moducop-boot deploys blank.
QB_DEFAULT_BIOS ?= "[=q.bios]"
QB_DEFAULT_KERNEL ?= "none"
QB_DEFAULT_FSTYPE ?= "wic"
QB_DRIVE_TYPE ?= "[=q.driveType]"
QB_MEM ?= "-m [=q.memoryMib?c]"
QB_OPT_APPEND:append = " -drive if=pflash,unit=1,format=raw,file=@DEPLOY_DIR_IMAGE@/moducop-uboot-env-pflash.img"
[/#if]
[#list machine.base.licensedRecommends as r]

# moducop-image installs the board's MACHINE_EXTRA_RRECOMMENDS, but [=r.recipe]
# is built only once the build accepts its licence flag, LICENSE_FLAGS_ACCEPTED += "[=r.flag]";
# until then the image goes without these packages rather than failing with "Nothing RPROVIDES".
MACHINE_EXTRA_RRECOMMENDS:remove = "${@'' if any(f in (d.getVar('LICENSE_FLAGS_ACCEPTED') or '').split() for f in ('[=r.flag]', '[=r.flag]_[=r.recipe]')) else '[=r.packages?join(" ")]'}"
[/#list]
[#list machine.base.settings as s]
[#if s?is_first]

[/#if]
[=s.name] = "[=s.value]"
[/#list]

[#include machine.bootInclude("machine.conf.ftl")]
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
