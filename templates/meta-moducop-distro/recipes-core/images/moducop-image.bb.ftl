[=header]
SUMMARY = "ModuCop image: read-only A/B root file system, applications in podman containers"
LICENSE = "MIT"

inherit core-image

IMAGE_FEATURES += "read-only-rootfs ssh-server-openssh"
[#if distro.login.development]

# DEVELOPMENT IMAGE (login.development in the profile): root has an empty password.
IMAGE_FEATURES += "empty-root-password allow-empty-password allow-root-login"
python () {
    bb.warn("moducop-image is a DEVELOPMENT image: root logs in with an empty password. Never ship it.")
}
[/#if]

# Lean like core-image-minimal, without packagegroup-base; but the board's recommended packages,
# which poky's images get through it (MACHINE_EXTRA_RRECOMMENDS: e.g. the Raspberry Pi 4's
# Wi-Fi and Bluetooth firmware), are installed.
IMAGE_INSTALL = " \
    packagegroup-core-boot \
    ${CORE_IMAGE_EXTRA_INSTALL} \
    ${MACHINE_EXTRA_RRECOMMENDS} \
    kernel-modules \
    moducop-init \
    moducop-container-config \
    moducop-login \
    podman \
    ${VIRTUAL-RUNTIME_container_dns} \
[#if distro.rauc]
    rauc \
[/#if]
[#if distro.containers.compose]
    podman-compose \
[/#if]
[#if distro.apps?has_content]
    moducop-apps \
[/#if]
"
[#if distro.rauc]

# moducop-health marks the slot good after its health gate; RAUC's own unit would mark it good
# as soon as boot-complete.target is reached.
BAD_RECOMMENDATIONS += "rauc-mark-good"
[/#if]

ROOTFS_POSTPROCESS_COMMAND += "moducop_ssh_host_keys moducop_rootfs_id"

# /etc is a persistent overlay: sshd keeps its host keys there (made on the first boot), not in
# /var/run where read-only-rootfs puts them (new keys, and a warning for every client, each boot).
moducop_ssh_host_keys() {
    if [ -f ${IMAGE_ROOTFS}${sysconfdir}/default/ssh ]; then
        sed -i -e 's|^SYSCONFDIR=.*|SYSCONFDIR=${sysconfdir}/ssh|' -e 's|^SSHD_OPTS=.*|SSHD_OPTS=|' \
            ${IMAGE_ROOTFS}${sysconfdir}/default/ssh
    fi
}

# Identifies the root file system's content; moducop-init compares it with the one the slot's
# persistent overlays were made for, to notice that an update replaced the slot.
moducop_rootfs_id() {
    install -d ${IMAGE_ROOTFS}${sysconfdir}/moducop
    (cd ${IMAGE_ROOTFS} && find . -xdev -type f ! -path ./etc/moducop/rootfs-id -print0 \
        | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1 \
        > ${IMAGE_ROOTFS}${sysconfdir}/moducop/rootfs-id
}
