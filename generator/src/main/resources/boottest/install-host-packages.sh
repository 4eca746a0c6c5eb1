#!/bin/bash
# install-host-packages.sh - prepare a Debian 12 (bookworm) host for `moducop boot-test`.
#
# Idempotent. Must run as root. Steps:
#   1. enable the arm64 foreign architecture (for `apt-get download` of the guest kernel,
#      busybox-static and e2fsprogs; nothing arm64 is installed on the host),
#   2. add a bookworm-backports source if none exists, using the same mirror as the
#      existing Debian sources (QEMU 7.2 in bookworm has a pflash bug that breaks saveenv;
#      backports ships QEMU >= 9),
#   3. apt-get update,
#   4. install the host tools (qemu-system-arm from bookworm-backports).
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "install-host-packages.sh: must run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# 1. arm64 foreign architecture
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "+ dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
fi

# 2. bookworm-backports
list_sources() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        if [ -f "$f" ]; then
            printf '%s\n' "$f"
        fi
    done
}

has_backports=no
while IFS= read -r f; do
    if grep -Eq '^[^#]*bookworm-backports' "$f"; then
        has_backports=yes
    fi
done <<LIST
$(list_sources)
LIST

if [ "$has_backports" = no ]; then
    # Find the mirror used for the main Debian archive (URI ending in /debian, not
    # debian-security), in either one-line or deb822 format. Default: deb.debian.org.
    mirror=""
    while IFS= read -r f; do
        [ -n "$mirror" ] && break
        m=$(sed -n -e 's/^[[:space:]]*deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\(https\{0,1\}:\/\/[^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]\{1,\}bookworm[[:space:]].*/\2/p' \
                   -e 's/^[[:space:]]*URIs:[[:space:]]*\(https\{0,1\}:\/\/[^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]*$/\1/p' "$f" | head -n 1)
        if [ -n "$m" ]; then
            mirror="$m"
        fi
    done <<LIST
$(list_sources)
LIST
    if [ -z "$mirror" ]; then
        mirror="http://deb.debian.org/debian"
    fi
    echo "+ adding bookworm-backports from $mirror"
    cat > /etc/apt/sources.list.d/moducop-bookworm-backports.sources <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

# 3. update
echo "+ apt-get update"
apt-get update

# 4. host packages
echo "+ apt-get install (host tools)"
apt-get install -y --no-install-recommends \
    u-boot-qemu u-boot-tools libubootenv-tool \
    fdisk dosfstools mtools e2fsprogs cpio gzip dpkg xz-utils zstd
echo "+ apt-get install -t bookworm-backports qemu-system-arm"
apt-get install -y --no-install-recommends -t bookworm-backports qemu-system-arm

qemu-system-aarch64 --version | head -n 1
