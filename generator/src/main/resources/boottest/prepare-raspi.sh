#!/bin/bash
# prepare-raspi.sh - the Raspberry Pi 4 assets of `moducop boot-test` (QEMU raspi4b machine).
#
# Usage: prepare-raspi.sh CACHE_DIR   (after prepare-assets.sh CACHE_DIR)
#
# Produces in CACHE_DIR/raspi4b (cached; a second run downloads and builds nothing):
#   u-boot.bin          the Pi's own U-Boot: Debian u-boot-rpi:arm64, /usr/lib/u-boot/rpi_arm64
#   bcm2711-rpi-4-b.dtb the stock Pi 4 device tree of the Debian arm64 kernel package
#                       (boot-test derives its emulation device tree from it: Raspi4bBoard)
#   Image, rootfs/      hard links to CACHE_DIR's kernel and root tree
#   initramfs.cpio.gz   CACHE_DIR's initramfs plus a second archive: the SD host driver
#                       (sdhci-iproc and its dependencies), the Pi's watchdog (bcm2835_wdt: Linux
#                       reboots and powers off through it) and an /init that switches discard off
#                       on the emulated SD card (QEMU erases by writing every block)
#   assets.txt          versions (written last: completion marker)
# and appends NAME=PATH lines (dtc, fdtput, fdtget, raspi-*) to CACHE_DIR/tools.txt.
# Exit codes: 0 ok, 1 error, 2 usage, 3 host setup missing.
set -eu

RASPI_FORMAT=1
RASPI_MODULES="sdhci sdhci-pltfm sdhci-iproc bcm2835_wdt"

log() { printf 'prepare-raspi: %s\n' "$*" >&2; }
die() { printf 'prepare-raspi: ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 CACHE_DIR" >&2
    exit 2
fi
CACHE_DIR=$(cd "$1" && pwd)
OUT="$CACHE_DIR/raspi4b"
[ -f "$CACHE_DIR/assets.txt" ] || die "run prepare-assets.sh $CACHE_DIR first"

missing=""
for entry in dtc:device-tree-compiler fdtput:device-tree-compiler fdtget:device-tree-compiler; do
    tool=${entry%%:*}
    if path=$(command -v "$tool"); then
        printf '%s=%s\n' "$tool" "$path" >> "$CACHE_DIR/tools.txt"
    else
        log "missing host tool '$tool' (Debian package: ${entry#*:})"
        missing="${entry#*:}"
    fi
done
if [ -n "$missing" ]; then
    log "install it: apt-get install $missing (or run install-host-packages.sh)"
    exit 3
fi
report_tools() {
    printf 'raspi-u-boot.bin=%s\nraspi-dtb=%s\nraspi-assets=%s\n' \
        "$OUT/u-boot.bin" "$OUT/bcm2711-rpi-4-b.dtb" "$OUT" >> "$CACHE_DIR/tools.txt"
}

KDEB_NAME=$(sed -n 's/^package=linux-image-[^ ]* [^ ]* arm64 \(.*\)$/\1/p' "$CACHE_DIR/assets.txt" | head -n 1)
[ -n "$KDEB_NAME" ] || die "no kernel package in $CACHE_DIR/assets.txt"
KDEB="$CACHE_DIR/debs/$KDEB_NAME"
[ -f "$KDEB" ] || die "$KDEB is missing; remove $CACHE_DIR/assets.txt and run prepare-assets.sh"

if [ -f "$OUT/assets.txt" ] && grep -qx "format=$RASPI_FORMAT" "$OUT/assets.txt" \
    && grep -qx "kernel-deb=$KDEB_NAME" "$OUT/assets.txt" \
    && [ -s "$OUT/u-boot.bin" ] && [ -s "$OUT/bcm2711-rpi-4-b.dtb" ] && [ -s "$OUT/initramfs.cpio.gz" ] \
    && [ -s "$OUT/Image" ] && [ -x "$OUT/rootfs/bin/busybox" ]; then
    log "raspi4b assets up to date in $OUT"
    report_tools
    exit 0
fi

# --- u-boot-rpi:arm64 -------------------------------------------------------------------
DEBS="$CACHE_DIR/debs"
UDEB=""
for f in "$DEBS"/u-boot-rpi_*_arm64.deb; do
    if [ -f "$f" ]; then
        UDEB="$f"
    fi
done
if [ -z "$UDEB" ]; then
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        log "the arm64 architecture is not configured for apt; run as root:"
        log "    dpkg --add-architecture arm64 && apt-get update"
        exit 3
    fi
    log "downloading: u-boot-rpi:arm64"
    dl_tmp=$(mktemp -d "$DEBS/.download.XXXXXX")
    sandbox_opt=""
    if [ "$(id -u)" -eq 0 ]; then
        sandbox_opt="-o APT::Sandbox::User=root"
    fi
    # shellcheck disable=SC2086
    if ! (cd "$dl_tmp" && apt-get download -q $sandbox_opt u-boot-rpi:arm64); then
        rm -rf "$dl_tmp"
        die "apt-get download u-boot-rpi:arm64 failed"
    fi
    mv -f "$dl_tmp"/*.deb "$DEBS"/
    rmdir "$dl_tmp"
    for f in "$DEBS"/u-boot-rpi_*_arm64.deb; do
        UDEB="$f"
    done
fi

BUILD=$(mktemp -d "$CACHE_DIR/.raspi.XXXXXX")
cleanup() { rm -rf "$BUILD"; }
trap cleanup EXIT

log "extracting $(basename "$UDEB") and the Pi 4 device tree and SD modules of $KDEB_NAME"
dpkg-deb -x "$UDEB" "$BUILD/uboot"
[ -s "$BUILD/uboot/usr/lib/u-boot/rpi_arm64/u-boot.bin" ] || die "no rpi_arm64/u-boot.bin in $UDEB"
mkdir -p "$BUILD/kernel"
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$BUILD/kernel" --wildcards \
    './usr/lib/linux-image-*/broadcom/bcm2711-rpi-4-b.dtb' \
    './lib/modules/*/kernel/drivers/mmc/host/*' './lib/modules/*/kernel/drivers/watchdog/*' \
    || die "cannot extract from $KDEB"
DTB=$(find "$BUILD/kernel" -name bcm2711-rpi-4-b.dtb | head -n 1)
[ -n "$DTB" ] || die "no broadcom/bcm2711-rpi-4-b.dtb in $KDEB"

# --- the second initramfs archive -------------------------------------------------------
# The kernel unpacks concatenated archives in order, later files replacing earlier ones.
X="$BUILD/extra"
mkdir -p "$X/lib/modules" "$BUILD/base"
(cd "$BUILD/base" && gzip -dc "$CACHE_DIR/initramfs.cpio.gz" | cpio -i -d --quiet init lib/modules/load-order)
cp "$BUILD/base/lib/modules/load-order" "$X/lib/modules/load-order"
for m in $RASPI_MODULES; do
    re=$(printf '%s' "$m" | sed 's/[-_]/[-_]/g')
    f=$(find "$BUILD/kernel/lib/modules" -regextype posix-extended -regex ".*/$re\\.ko(\\.xz|\\.zst|\\.gz)?" | head -n 1)
    [ -n "$f" ] || die "kernel module $m not found in $KDEB_NAME"
    deps=$(case "$f" in *.xz) xz -dc "$f" ;; *.zst) zstd -dc "$f" ;; *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac \
        | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1)
    for d in $(printf '%s' "$deps" | tr ',' ' '); do
        grep -qx "$(printf '%s' "$d" | tr '-' '_')" "$X/lib/modules/load-order" \
            || printf '%s\n' "$RASPI_MODULES" | tr ' ' '\n' | tr '-' '_' | grep -qx "$(printf '%s' "$d" | tr '-' '_')" \
            || die "module $m needs $d, which is not in RASPI_MODULES"
    done
    n=$(printf '%s' "$m" | tr '-' '_')
    case "$f" in
        *.xz) xz -dc "$f" > "$X/lib/modules/$n.ko" ;;
        *.zst) zstd -dc "$f" > "$X/lib/modules/$n.ko" ;;
        *.gz) gzip -dc "$f" > "$X/lib/modules/$n.ko" ;;
        *) cp "$f" "$X/lib/modules/$n.ko" ;;
    esac
    printf '%s\n' "$n" >> "$X/lib/modules/load-order"
done
# /init as prepare-assets.sh writes it, with discard switched off on the SD card before the root
# is mounted: QEMU's SD card implements erase by writing every block, so mkfs.ext4's discard of
# the data partition takes minutes and fills the sparse card image. A real card erases quickly.
grep -qx 'opts=$mode' "$BUILD/base/init" || die "initramfs /init changed: no 'opts=\$mode' line to hook"
sed '/^opts=\$mode$/i # boot-test on QEMU raspi4b (prepare-raspi.sh): no discard on the emulated SD card\
for q in /sys/block/mmcblk*/queue/discard_max_bytes; do [ -w "$q" ] \&\& echo 0 > "$q"; done' \
    "$BUILD/base/init" > "$X/init"
chmod 0755 "$X/init"
(cd "$X" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' \
    | cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n > "$BUILD/extra.cpio.gz"
cat "$CACHE_DIR/initramfs.cpio.gz" "$BUILD/extra.cpio.gz" > "$BUILD/initramfs.cpio.gz"

# --- move into place --------------------------------------------------------------------
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$BUILD/uboot/usr/lib/u-boot/rpi_arm64/u-boot.bin" "$OUT/u-boot.bin"
cp "$DTB" "$OUT/bcm2711-rpi-4-b.dtb"
mv "$BUILD/initramfs.cpio.gz" "$OUT/initramfs.cpio.gz"
ln "$CACHE_DIR/Image" "$OUT/Image" 2>/dev/null || cp "$CACHE_DIR/Image" "$OUT/Image"
cp -al "$CACHE_DIR/rootfs" "$OUT/rootfs" 2>/dev/null || cp -a "$CACHE_DIR/rootfs" "$OUT/rootfs"
{
    echo "format=$RASPI_FORMAT"
    echo "kernel-deb=$KDEB_NAME"
    echo "u-boot-deb=$(basename "$UDEB")"
    echo "u-boot=$(dpkg-deb -f "$UDEB" Package) $(dpkg-deb -f "$UDEB" Version) /usr/lib/u-boot/rpi_arm64/u-boot.bin"
    echo "dtb=${DTB#"$BUILD/kernel"}"
    echo "modules=$(tr '\n' ' ' < "$X/lib/modules/load-order" | sed 's/ $//')"
} > "$OUT/assets.txt"
log "done: $OUT"
report_tools
