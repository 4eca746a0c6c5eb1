[=header]
# The RAUC system configuration of each ModuCop machine (files/<machine>/): its slots, its boot
# loader, and the keyring bundles are verified against. The slots differ per machine.
FILESEXTRAPATHS:prepend:moducop-board := "${THISDIR}/files:"
PACKAGE_ARCH:moducop-board = "${MACHINE_ARCH}"

# A machine whose profile names no keyring takes ca.cert.pem from the build configuration.
MODUCOP_RAUC_KEYRING_DIR ??= ""
MODUCOP_RAUC_KEYRING_FROM_BUILD ??= ""
FILESEXTRAPATHS:prepend:moducop-board = "${@'${MODUCOP_RAUC_KEYRING_DIR}:' if d.getVar('MODUCOP_RAUC_KEYRING_FROM_BUILD') else ''}"
# SRC_URI finds the keyring by name along FILESPATH: were it missing from that directory, meta-rauc's
# own files/ca.cert.pem, a dummy CA, would be fetched instead.
python do_fetch:prepend:moducop-board() {
    keyring = d.getVar('MODUCOP_RAUC_KEYRING_DIR')
    if d.getVar('MODUCOP_RAUC_KEYRING_FROM_BUILD'):
        if not keyring:
            bb.fatal("%s: no RAUC keyring. Set ota.keyring in the machine's profile, or MODUCOP_RAUC_KEYRING_DIR "
                     "(a directory holding ca.cert.pem) in the build configuration." % d.getVar('MACHINE'))
        pem = d.getVar('RAUC_KEYRING_FILE')
        if not os.path.isabs(keyring) or not os.path.isfile(os.path.join(keyring, pem)):
            bb.fatal("%s: MODUCOP_RAUC_KEYRING_DIR = \"%s\" holds no %s (it must be an absolute path to a directory "
                     "holding it); without it the build would take meta-rauc's dummy CA." % (d.getVar('MACHINE'), keyring, pem))
}
