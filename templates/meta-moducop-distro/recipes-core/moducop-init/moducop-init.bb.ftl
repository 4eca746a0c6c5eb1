[=header]
SUMMARY = "ModuCop early init: data partition, persistent and tmpfs overlays[#if !distro.rauc], slot mark-good[/#if]"
DESCRIPTION = "Runs as init= before systemd: mounts the data partition (formatting it when blank), \
overlays [#list distro.overlays.persistent as d][=d][#sep], [/#list] on it and [#list distro.overlays.volatileDirs as d][=d][#sep], [/#list] on tmpfs, \
then starts systemd.[#if !distro.rauc] A service marks the booted slot good once boot-complete.target is reached.[/#if]"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = " \
[#list installs("moducop-init") as i]
    file://[=i.name] \
[/#list]
"
S = "${WORKDIR}"
[#if !distro.rauc]

inherit systemd

SYSTEMD_SERVICE:${PN} = "moducop-mark-good.service"
[/#if]

[#if distro.rauc]
# RAUC's rauc-mark-good.service marks the booted slot good.
[/#if]
do_install() {
[#list installs("moducop-init") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
    install -d ${D}/data
}

FILES:${PN} += "/data"
RDEPENDS:${PN} = "e2fsprogs-mke2fs e2fsprogs-e2fsck[#if !distro.rauc] libubootenv-bin[/#if]"
