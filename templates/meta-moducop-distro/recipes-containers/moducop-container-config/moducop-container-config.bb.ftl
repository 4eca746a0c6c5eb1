[=header]
SUMMARY = "ModuCop podman settings: network backend, compose provider, image copy directory on /data"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = " \
[#list installs("moducop-container-config") as i]
    file://[=i.name] \
[/#list]
"
S = "[=distro.release.sources()]"

do_install() {
[#list installs("moducop-container-config") as i]
    install -D -m [=i.mode] ${S}/[=i.name] ${D}[=i.target]
[/#list]
[#if distro.containers.dockerAlias]
    # podman's docker command prints a notice on every call unless this file exists
    install -D -m 0644 /dev/null ${D}${sysconfdir}/containers/nodocker
[/#if]
}

FILES:${PN} += "${nonarch_libdir}/tmpfiles.d"
RDEPENDS:${PN} = "podman"
