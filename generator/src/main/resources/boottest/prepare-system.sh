#!/bin/bash
# prepare-system.sh - the real arm64 userland for `moducop boot-test --system`.
#
# Usage: prepare-system.sh CACHE_DIR   (after prepare-assets.sh filled CACHE_DIR)
#
# Produces CACHE_DIR/system/ (cached; a second run with everything present does nothing):
#   root/          Debian bookworm arm64 root file system built by mmdebstrap through
#                  qemu-user-static (binfmt): systemd, podman, RAUC, libubootenv-tool, sshd...,
#                  plus the modules of the kernel boot-test boots (same package), depmod'ed.
#                  Shaped like a Yocto read-only root: empty /etc/machine-id, no fstab
#                  (boot-test writes the one wic would write from the generated wks, and
#                  base-files' links from the release file).
#   packages.txt   every installed package and version (what apt resolved: the pin)
#   system.txt     format marker and inputs (written last: completion marker)
#
# Needs root (mmdebstrap's root mode, ownership in root/, chroot). Exit codes: 0 ok, 1 error,
# 2 usage, 3 host setup missing.
set -eu

SYSTEM_FORMAT=2
# trixie, not bookworm: bookworm's podman 4.3 has no `podman compose` (so no `docker compose`) and
# ignores compose_providers; scarthgap builds podman 4.9, which has both.
SUITE=${MODUCOP_SYSTEM_SUITE:-trixie}
MIRROR=${MODUCOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${MODUCOP_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# nftables: trixie's netavark runs nft (a Recommends; mmdebstrap installs none)
# systemd-resolved, systemd-timesyncd: the image's systemd is built with PACKAGECONFIG resolved and
# timesyncd on both releases (releases/*.yaml); Debian ships them as packages of their own
PACKAGES="systemd systemd-sysv systemd-resolved systemd-timesyncd udev dbus kmod iproute2 iptables procps
    podman podman-compose podman-docker crun netavark aardvark-dns nftables
    rauc rauc-service libubootenv-tool openssh-server e2fsprogs"
# kernel module directories the guest needs (overlay, netfilter, bridge/veth, dm-verity,
# squashfs, loop, virtio, 9p, watchdogs; dax for dm_mod); the whole package would be ~350 MB
MODULE_DIRS="fs net lib crypto drivers/virtio drivers/block drivers/md drivers/net
    drivers/watchdog drivers/char drivers/dax arch"

log() { printf 'prepare-system: %s\n' "$*" >&2; }
die() { printf 'prepare-system: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$#" -eq 1 ] || { echo "usage: $0 CACHE_DIR" >&2; exit 2; }
CACHE_DIR=$(cd "$1" && pwd)
OUT="$CACHE_DIR/system"
KDEB=$(sed -n 's/^package=linux-image-[^ ]* [^ ]* arm64 //p' "$CACHE_DIR/assets.txt" | head -n 1)
KVER=$(sed -n 's/^kernel-release=//p' "$CACHE_DIR/assets.txt")
if [ -z "$KDEB" ] || [ ! -f "$CACHE_DIR/debs/$KDEB" ] || [ -z "$KVER" ]; then
    die "run prepare-assets.sh first"
fi
# shellcheck disable=SC2086,SC2116 # one line, single spaces
PKG_LINE="$SUITE: $(echo $PACKAGES)"

if [ -f "$OUT/system.txt" ] && grep -qx "format=$SYSTEM_FORMAT" "$OUT/system.txt" \
    && grep -qx "kernel-release=$KVER" "$OUT/system.txt" \
    && grep -qxF "packages=$PKG_LINE" "$OUT/system.txt" && [ -x "$OUT/root/usr/lib/systemd/systemd" ]; then
    log "system userland up to date in $OUT"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "building the arm64 userland needs root (mmdebstrap root mode, file ownership, chroot)"
    exit 3
fi
missing=""
command -v mmdebstrap > /dev/null || missing="$missing mmdebstrap"
[ -e /usr/libexec/qemu-binfmt/aarch64-binfmt-P ] || [ -x /usr/bin/qemu-aarch64-static ] || missing="$missing qemu-user-static"
if [ -n "$missing" ]; then
    log "missing host packages:$missing (run install-host-packages.sh)"
    exit 3
fi
# no systemd on CI hosts: register arm64 user-mode emulation by hand
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    conf=/usr/lib/binfmt.d/qemu-aarch64.conf
    [ -f "$conf" ] || die "no $conf (package qemu-user-static)"
    cat "$conf" > /proc/sys/fs/binfmt_misc/register || die "cannot register qemu-aarch64 with binfmt_misc"
fi

BUILD=$(mktemp -d "$CACHE_DIR/.system.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
ROOT="$BUILD/root"
log "mmdebstrap $SUITE arm64: $PKG_LINE"
start=$(date +%s)
# shellcheck disable=SC2086 # a word list
mmdebstrap --quiet --arch=arm64 --variant=apt --include="$(echo $PACKAGES | tr ' ' ',')" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$SUITE" "$ROOT" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" \
    >&2 || die "mmdebstrap failed"
log "mmdebstrap took $(( $(date +%s) - start )) s"

log "kernel modules $KVER"
patterns=""
for d in $MODULE_DIRS; do
    patterns="$patterns ./lib/modules/$KVER/kernel/$d/*"
done
# shellcheck disable=SC2086 # a word list of patterns
dpkg-deb --fsys-tarfile "$CACHE_DIR/debs/$KDEB" | tar -x -C "$BUILD" --wildcards \
    "./lib/modules/$KVER/modules.*" $patterns || die "cannot extract modules from $KDEB"
mkdir -p "$ROOT/usr/lib/modules"
mv "$BUILD/lib/modules/$KVER" "$ROOT/usr/lib/modules/$KVER"
chroot "$ROOT" depmod -a "$KVER" || die "depmod failed"

# What Yocto's read-only-rootfs and poky's base-files give a root file system; base-files' links
# (/var/log and /var/tmp into volatile, ...) come from the release file when boot-test builds a slot
: > "$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"
mkdir -p "$ROOT/var/volatile"
rm -f "$ROOT/etc/fstab"
# Debian's maintainer scripts enable units as Debian decides; a Yocto root has nothing enabled before
# its rootfs step applies the packages' presets (boot-test does that per slot, from the release file):
# every enablement link goes, masks stay
find "$ROOT/etc/systemd/system" -type l ! -lname /dev/null -delete
find "$ROOT/etc/systemd/system" -mindepth 1 -type d -empty -delete
printf 'moducop\n' > "$ROOT/etc/hostname"
# apt's caches are of no use on a device
rm -rf "$ROOT/var/cache/apt/"*.bin "$ROOT/var/lib/apt/lists/"*

# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
chroot "$ROOT" dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' > "$BUILD/packages.txt"
{
    echo "format=$SYSTEM_FORMAT"
    echo "suite=$SUITE"
    echo "kernel-release=$KVER"
    echo "packages=$PKG_LINE"
    echo "root-kbytes=$(du -sk "$ROOT" | cut -f1)"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$BUILD/system.txt"

rm -rf "$OUT"
mkdir -p "$OUT"
mv "$ROOT" "$OUT/root"
mv "$BUILD/packages.txt" "$OUT/packages.txt"
mv "$BUILD/system.txt" "$OUT/system.txt"
log "done: $OUT ($(wc -l < "$OUT/packages.txt") packages)"
cat "$OUT/system.txt" >&2
