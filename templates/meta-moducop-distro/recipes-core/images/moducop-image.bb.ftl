[=header]
SUMMARY = "ModuCop image: read-only A/B root file system, applications in podman containers"
LICENSE = "MIT"

inherit core-image

IMAGE_FEATURES += "read-only-rootfs"

# Lean like core-image-minimal: packagegroup-base would drag in the board's optional
# firmware (and its licence flags) that a container host does not need.
IMAGE_INSTALL = " \
    packagegroup-core-boot \
    ${CORE_IMAGE_EXTRA_INSTALL} \
    kernel-modules \
    moducop-init \
    moducop-container-config \
    podman \
    ${VIRTUAL-RUNTIME_container_dns} \
[#if distro.rauc]
    rauc \
[/#if]
[#if distro.containers.compose]
    podman-compose \
[/#if]
"
[#if distro.rauc]

# moducop-health marks the slot good after its health gate; RAUC's own unit would mark it good
# as soon as boot-complete.target is reached.
BAD_RECOMMENDATIONS += "rauc-mark-good"
[/#if]

# Identifies the root file system's content; moducop-init compares it with the one the slot's
# persistent overlays were made for, to notice that an update replaced the slot.
ROOTFS_POSTPROCESS_COMMAND += "moducop_rootfs_id"
moducop_rootfs_id() {
    install -d ${IMAGE_ROOTFS}${sysconfdir}/moducop
    (cd ${IMAGE_ROOTFS} && find . -xdev -type f ! -path ./etc/moducop/rootfs-id -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1 \
        > ${IMAGE_ROOTFS}${sysconfdir}/moducop/rootfs-id
}
