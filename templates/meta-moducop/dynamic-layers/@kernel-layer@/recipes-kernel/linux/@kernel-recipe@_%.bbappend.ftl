[=header]
# RAUC installs verity bundles through a loop device, squashfs and dm-verity, and moducop-init
# mounts overlays; meta-rauc enables the first three for linux-yocto only.
FILESEXTRAPATHS:prepend:moducop-board := "${THISDIR}/files:"
SRC_URI:append:moducop-board = " file://moducop-rauc.cfg"
