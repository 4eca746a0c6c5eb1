[=header]
SUMMARY = "ModuCop login: root over SSH with the profile's public keys[#if distro.login.development], and (development image) an empty root password[/#if]"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = " \
[#list installs("moducop-login") as i]
    file://[=i.name] \
[/#list]
"
S = "[=distro.release.sources()]"

do_install() {
[#list dirs("moducop-login") as d]
    install -d -m [=d.mode] ${D}[=d.target]
[/#list]
[#list installs("moducop-login") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
}

FILES:${PN} = "${ROOT_HOME}/.ssh ${sysconfdir}/ssh/sshd_config.d"
RDEPENDS:${PN} = "openssh-sshd"
