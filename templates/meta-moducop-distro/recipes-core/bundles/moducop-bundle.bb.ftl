[=header]
SUMMARY = "ModuCop update bundle: moducop-image for the inactive root slot"
LICENSE = "MIT"

inherit bundle

RAUC_BUNDLE_FORMAT = "verity"
RAUC_BUNDLE_COMPATIBLE = "${MODUCOP_RAUC_COMPATIBLE}"
RAUC_BUNDLE_VERSION = "${DISTRO_VERSION}"

RAUC_BUNDLE_SLOTS = "rootfs"
RAUC_SLOT_rootfs = "moducop-image"
RAUC_SLOT_rootfs[fstype] = "ext4"

# The signing key and certificate are not part of any layer: the build configuration sets
# RAUC_KEY_FILE and RAUC_CERT_FILE (moducop build writes them into local.conf).
