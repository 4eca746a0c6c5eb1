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
}
# /etc/containers/nodocker (silences the notice podman's docker command prints) comes with podman.

FILES:${PN} += "${nonarch_libdir}/tmpfiles.d"
RDEPENDS:${PN} = "podman"
