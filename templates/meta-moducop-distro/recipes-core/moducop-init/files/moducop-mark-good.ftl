#!/bin/sh
[=header]
#
# Marks the slot this system booted from as good: re-arms its boot counter so that the boot
# script keeps choosing it. Runs once boot-complete.target is reached.

ATTEMPTS=[=distro.bootAttempts]

slot=
read -r cmdline < /proc/cmdline
set -f
for arg in $cmdline; do
    case "$arg" in
        rauc.slot=*) slot=${arg#rauc.slot=} ;;
    esac
done
set +f

case "$slot" in
    A | B) ;;
    *)
        echo "moducop-mark-good: not booted by the ModuCop boot script (no rauc.slot=A|B)" >&2
        exit 1
        ;;
esac

exec fw_setenv "BOOT_${slot}_LEFT" "$ATTEMPTS"
