[#if bsp.rauc]
[=header]
# The RAUC system configuration of each ModuCop machine: its slots, U-Boot as the bootloader,
# and the keyring bundles are verified against.
FILESEXTRAPATHS:prepend:moducop-board := "${THISDIR}/files:"
[#list bsp.profiles as x]
[#if x.ota().rauc() && !x.ota().keyringPem()??]

# [=x.board().name()]'s profile names no keyring: the build configuration supplies ca.cert.pem, e.g.
#   MODUCOP_RAUC_KEYRING_DIR = "/path/to/keys"
MODUCOP_RAUC_KEYRING_DIR ??= ""
FILESEXTRAPATHS:prepend:[=x.board().name()] = "${MODUCOP_RAUC_KEYRING_DIR}:"
python do_fetch:prepend:[=x.board().name()]() {
    if not d.getVar('MODUCOP_RAUC_KEYRING_DIR'):
        bb.fatal("[=x.board().name()]: no RAUC keyring. Set ota.keyring in [=x.source()], or MODUCOP_RAUC_KEYRING_DIR "
                 "(a directory holding ca.cert.pem) in the build configuration.")
}
[/#if]
[/#list]
[/#if]
