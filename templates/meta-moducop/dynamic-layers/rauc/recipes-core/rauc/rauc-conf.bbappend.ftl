[=header]
# The RAUC system configuration of each ModuCop machine (files/<machine>/): its slots, U-Boot as
# the bootloader, and the keyring bundles are verified against. The slots differ per machine.
FILESEXTRAPATHS:prepend:moducop-board := "${THISDIR}/files:"
PACKAGE_ARCH:moducop-board = "${MACHINE_ARCH}"

# A machine whose profile names no keyring takes ca.cert.pem from the build configuration.
MODUCOP_RAUC_KEYRING_DIR ??= ""
MODUCOP_RAUC_KEYRING_FROM_BUILD ??= ""
FILESEXTRAPATHS:prepend:moducop-board = "${@'${MODUCOP_RAUC_KEYRING_DIR}:' if d.getVar('MODUCOP_RAUC_KEYRING_FROM_BUILD') else ''}"
python do_fetch:prepend:moducop-board() {
    if d.getVar('MODUCOP_RAUC_KEYRING_FROM_BUILD') and not d.getVar('MODUCOP_RAUC_KEYRING_DIR'):
        bb.fatal("%s: no RAUC keyring. Set ota.keyring in the machine's profile, or MODUCOP_RAUC_KEYRING_DIR "
                 "(a directory holding ca.cert.pem) in the build configuration." % d.getVar('MACHINE'))
}
