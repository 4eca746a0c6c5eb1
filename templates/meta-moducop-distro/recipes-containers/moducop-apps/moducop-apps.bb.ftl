[=header]
SUMMARY = "ModuCop applications ([#list distro.apps as a][=a.name][#sep], [/#list]): compose files, preloaded images and the units that start them"
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://${COMMON_LICENSE_DIR}/MIT;md5=0835ade698e0bcf8506ecda2f7b4f302"

SRC_URI = " \
[#list installs("moducop-apps") as i]
    file://[=i.source] \
[/#list]
"
S = "[=distro.release.sources()]"

inherit systemd

# The images are this machine's part of moducop's image cache (moducop fetch), exported by
# moducop build as an OCI layout; each is the digest its compose file pins, so these digests,
# not the directory, decide what the layout holds.
MODUCOP_APPS_OCI ??= ""
MODUCOP_APP_IMAGES = "[#list distro.apps as a][#list a.compose.images() as img][=img.hex()][#sep] [/#list][#sep] [/#list]"
PACKAGE_ARCH = "${MACHINE_ARCH}"

do_install() {
[#list installs("moducop-apps") as i]
    install -D -m [=i.mode] ${S}/[=i.source] ${D}[=i.target]
[/#list]
    if [ ! -f "${MODUCOP_APPS_OCI}/index.json" ]; then
        bbfatal "MODUCOP_APPS_OCI (${MODUCOP_APPS_OCI}) is no OCI layout: moducop build exports the applications' images there"
    fi
    install -d ${D}${datadir}/moducop/apps/images/blobs/sha256
    install -m 0644 ${MODUCOP_APPS_OCI}/oci-layout ${MODUCOP_APPS_OCI}/index.json ${D}${datadir}/moducop/apps/images/
    for hex in ${MODUCOP_APP_IMAGES}; do
        grep -q "\"digest\":\"sha256:$hex\"" ${D}${datadir}/moducop/apps/images/index.json \
            || bbfatal "image sha256:$hex is not in ${MODUCOP_APPS_OCI}"
    done
    for blob in ${MODUCOP_APPS_OCI}/blobs/sha256/*; do
        name=$(basename "$blob")
        [ "$(sha256sum "$blob" | cut -d' ' -f1)" = "$name" ] || bbfatal "blob $name does not match its digest"
        install -m 0644 "$blob" ${D}${datadir}/moducop/apps/images/blobs/sha256/
    done
}
do_install[vardepsexclude] += "MODUCOP_APPS_OCI"

FILES:${PN} = "${datadir}/moducop/apps ${bindir}/moducop-app ${libexecdir}/moducop-app* \
    ${systemd_system_unitdir}/moducop-app@.service[#if distro.rauc] ${systemd_system_unitdir}/moducop-app-update.service[/#if]"
SYSTEMD_SERVICE:${PN} = "[=units("moducop-apps")]"
# tar: RAUC unpacks an app bundle's artifacts with tar --acl --xattrs, which busybox's tar lacks
RDEPENDS:${PN} = "podman podman-compose[#if distro.rauc] tar[/#if]"
