[=header]
SUMMARY = "ModuCop early init, health gate and watchdog"
DESCRIPTION = "moducop-init runs as init= before systemd: mounts the data partition (formatting it when blank), \
overlays [#list distro.overlays.persistent as d][=d][#sep], [/#list] on it and [#list distro.overlays.volatileDirs as d][=d][#sep], [/#list] on tmpfs, \
then starts systemd. moducop-health marks the booted slot good once the system is healthy, or \
reboots to use up the slot's try; systemd feeds the hardware watchdog."
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = " \
[#list installs("moducop-init") as i]
    file://[=i.name] \
[/#list]
"
S = "[=distro.release.sources()]"

inherit systemd

SYSTEMD_SERVICE:${PN} = "[=units("moducop-init")]"

do_install() {
[#list installs("moducop-init") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
[#list dirs("moducop-init") as d]
    install -d -m [=d.mode] ${D}[=d.target]
[/#list]
}

FILES:${PN} += "/data ${systemd_unitdir}/system.conf.d"
RDEPENDS:${PN} = "e2fsprogs-mke2fs e2fsprogs-e2fsck [#if distro.rauc]rauc[#else]libubootenv-bin[/#if]"
