#!/bin/bash
# install-host-packages.sh - prepare a Debian 12 (bookworm) host for `moducop boot-test`.
#
# Idempotent. Must run as root. Steps:
#   1. enable the arm64 foreign architecture (for `apt-get download` of the guest kernel, u-boot-rpi,
#      busybox-static and e2fsprogs; nothing arm64 is installed on the host),
#   2. add a bookworm-backports source if none exists, using the same mirror as the
#      existing Debian sources (QEMU 7.2 in bookworm has a pflash bug that breaks saveenv;
#      backports ships QEMU >= 9),
#   3. apt-get update,
#   4. install the host tools (qemu-system-arm from bookworm-backports; systemd for `systemctl --root
#      preset-all`, which enables the --system guest's units as the image's rootfs step does; busybox
#      for its httpd, the update server of app-install's streamed bundle; for
#      the GRUB flow qemu-system-x86, OVMF and Debian's x86_64-efi GRUB),
#   5. register arm64 user-mode emulation with binfmt_misc (boot-test --system builds its arm64
#      userland with mmdebstrap; no systemd runs on CI hosts, so systemd-binfmt does not).
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
    # Find the mirror used for the main Debian archive: a source with suite "bookworm",
    # component "main" and a URI ending in /debian (not debian-security), in one-line or
    # deb822 format. Default: deb.debian.org.
    mirror=""
    while IFS= read -r f; do
        [ -n "$mirror" ] && break
        m=$(awk '
            function check(uris, suites, comps,   n, i, u) {
                if (found || (" " suites " ") !~ / bookworm / || (" " comps " ") !~ / main /) return
                n = split(uris, u, " ")
                for (i = 1; i <= n; i++) if (u[i] ~ /^https?:\/\/.*\/debian\/?$/) { sub(/\/$/, "", u[i]); print u[i]; found = 1; exit }
            }
            FILENAME ~ /\.sources$/ {
                if ($0 ~ /^[ \t]*$/) { check(uris, suites, comps); uris = suites = comps = ""; next }
                if ($1 == "URIs:") { $1 = ""; uris = $0 }
                if ($1 == "Suites:") { $1 = ""; suites = $0 }
                if ($1 == "Components:") { $1 = ""; comps = $0 }
                if ($1 == "Enabled:" && $2 == "no") { uris = "" }
                next
            }
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/ && i < NF) i++; i++ }
                rest = ""
                for (j = i + 2; j <= NF; j++) rest = rest " " $j
                check($i, $(i + 1), rest)
            }
            END { if (FILENAME ~ /\.sources$/) check(uris, suites, comps) }
        ' "$f")
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
# A mirror in the middle of a sync fails one index now and then; the lists there are still serve.
apt-get update || echo "install-host-packages.sh: apt-get update reported errors; continuing with the package lists there are" >&2

# 4. host packages
echo "+ apt-get install (host tools)"
apt-get install -y --no-install-recommends \
    u-boot-qemu u-boot-tools \
    fdisk dosfstools mtools e2fsprogs cpio gzip dpkg xz-utils zstd device-tree-compiler \
    mmdebstrap qemu-user-static openssh-client openssl systemd busybox \
    ovmf grub-efi-amd64-bin grub-common
echo "+ apt-get install -t bookworm-backports qemu-system-arm qemu-system-x86"
apt-get install -y --no-install-recommends -t bookworm-backports qemu-system-arm qemu-system-x86

qemu-system-aarch64 --version | head -n 1

# 5. binfmt_misc: qemu-aarch64 for mmdebstrap's arm64 maintainer scripts
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    echo "+ mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    echo "+ registering qemu-aarch64 (/usr/lib/binfmt.d/qemu-aarch64.conf)"
    cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register
fi
