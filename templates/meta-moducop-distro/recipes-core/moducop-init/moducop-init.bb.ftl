[=header]
SUMMARY = "ModuCop early init: data partition, persistent and tmpfs overlays[#if !distro.rauc], slot mark-good[/#if]"
DESCRIPTION = "Runs as init= before systemd: mounts the data partition (formatting it when blank), \
overlays [#list distro.overlays.persistent as d][=d][#sep], [/#list] on it and [#list distro.overlays.volatileDirs as d][=d][#sep], [/#list] on tmpfs, \
then starts systemd.[#if !distro.rauc] A service marks the booted slot good once boot-complete.target is reached.[/#if]"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

[#if distro.rauc]
SRC_URI = "file://moducop-init"
S = "${WORKDIR}"

# RAUC's rauc-mark-good.service marks the booted slot good.
do_install() {
    install -D -m 0755 ${S}/moducop-init ${D}${base_sbindir}/moducop-init
    install -d ${D}/data
}

FILES:${PN} += "/data"
RDEPENDS:${PN} = "e2fsprogs-mke2fs e2fsprogs-e2fsck"
[#else]
SRC_URI = " \
    file://moducop-init \
    file://moducop-mark-good \
    file://moducop-mark-good.service \
"
S = "${WORKDIR}"

inherit systemd

SYSTEMD_SERVICE:${PN} = "moducop-mark-good.service"

do_install() {
    install -D -m 0755 ${S}/moducop-init ${D}${base_sbindir}/moducop-init
    install -D -m 0755 ${S}/moducop-mark-good ${D}${sbindir}/moducop-mark-good
    install -D -m 0644 ${S}/moducop-mark-good.service ${D}${systemd_system_unitdir}/moducop-mark-good.service
    install -d ${D}/data
}

FILES:${PN} += "/data"
RDEPENDS:${PN} = "e2fsprogs-mke2fs e2fsprogs-e2fsck libubootenv-bin"
[/#if]
