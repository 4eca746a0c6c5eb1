#!/bin/bash
# prepare-rauc-host.sh - a RAUC new enough for artifact repositories (>= 1.13), for `moducop app-bundle`
# (and the tests that run RAUC's GRUB backend against a generated system.conf: grub-common).
#
# Usage: prepare-rauc-host.sh CACHE_DIR
#
# Debian bookworm's rauc is 1.8, which knows no [image.<repo>/<artifact>] sections; Debian trixie
# has 1.13. Produces in CACHE_DIR (cached; a second run with everything present does nothing):
#   root/            amd64 Debian trixie tree built by mmdebstrap: rauc, squashfs-tools, grub-common and
#                    what they need (openssl and glib are library dependencies); moducop runs rauc in it
#                    with chroot, its work directory and signing files bind-mounted in
#   packages.txt     every installed package and version (what apt resolved: the pin)
#   rauc-host.txt    format marker, inputs and rauc's version (written last: completion marker)
#
# Needs root (mmdebstrap's root mode, file ownership in root/). Exit codes: 0 ok, 1 error,
# 2 usage, 3 host setup missing.
set -eu

FORMAT=1
SUITE=trixie
ARCH=amd64
MIRROR=${MODUCOP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${MODUCOP_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
PACKAGES="rauc squashfs-tools grub-common"

log() { printf 'prepare-rauc-host: %s\n' "$*" >&2; }
die() { printf 'prepare-rauc-host: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$#" -eq 1 ] || { echo "usage: $0 CACHE_DIR" >&2; exit 2; }
mkdir -p "$1"
CACHE_DIR=$(cd "$1" && pwd)
# shellcheck disable=SC2086,SC2116 # one line, single spaces
PKG_LINE="$SUITE $ARCH: $(echo $PACKAGES)"
MARKER="$CACHE_DIR/rauc-host.txt"

if [ -f "$MARKER" ] && grep -qx "format=$FORMAT" "$MARKER" && grep -qxF "packages=$PKG_LINE" "$MARKER" \
    && [ -x "$CACHE_DIR/root/usr/bin/rauc" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    log "building the RAUC host tree needs root (mmdebstrap root mode, file ownership)"
    exit 3
fi
command -v mmdebstrap > /dev/null || { log "missing host package: mmdebstrap (apt-get install mmdebstrap)"; exit 3; }

BUILD=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
ROOT="$BUILD/root"
log "mmdebstrap $PKG_LINE (once; later runs reuse $CACHE_DIR)"
start=$(date +%s)
# essential: dpkg and the essential set, no apt inside (mmdebstrap resolves with the host's apt)
# shellcheck disable=SC2086 # a word list
mmdebstrap --quiet --arch="$ARCH" --variant=essential --include="$(echo $PACKAGES | tr ' ' ',')" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$SUITE" "$ROOT" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" \
    >&2 || die "mmdebstrap failed"
log "mmdebstrap took $(( $(date +%s) - start )) s"

# mount points for one run (moducop mounts them in a private mount namespace only)
mkdir -p "$ROOT/moducop/work" "$ROOT/moducop/secrets"
: > "$ROOT/moducop/secrets/signing.key.pem"
: > "$ROOT/moducop/secrets/signing.cert.pem"
: > "$ROOT/moducop/secrets/keyring.pem"
rm -rf "$ROOT/var/cache/apt/"*.bin "$ROOT/var/lib/apt/lists/"*

# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f '${Package} ${Version} ${Architecture}\n' > "$BUILD/packages.txt"
version=$(chroot "$ROOT" /usr/bin/rauc --version) || die "the tree's rauc does not run"
{
    echo "format=$FORMAT"
    echo "packages=$PKG_LINE"
    echo "rauc-version=$version"
    echo "root-kbytes=$(du -sk "$ROOT" | cut -f1)"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$BUILD/rauc-host.txt"

# the marker goes first and comes back last: an interrupted replacement is rebuilt next time
rm -f "$MARKER"
rm -rf "$CACHE_DIR/root"
mv "$ROOT" "$CACHE_DIR/root"
mv "$BUILD/packages.txt" "$CACHE_DIR/packages.txt"
mv "$BUILD/rauc-host.txt" "$MARKER"
log "done: $CACHE_DIR ($(wc -l < "$CACHE_DIR/packages.txt") packages, $version)"
