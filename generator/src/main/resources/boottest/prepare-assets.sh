#!/bin/bash
# prepare-assets.sh - host-side asset preparation for `moducop boot-test`.
#
# Usage: prepare-assets.sh CACHE_DIR
#
# Produces in CACHE_DIR (cached; a second run with everything present downloads nothing):
#   Image               Debian arm64 kernel (plain arm64 Image, booted with U-Boot `booti`)
#   Image.gz            the same, gzip'd (~10 MB; fits a 32 MiB boot partition; booti
#                       unpacks it when kernel_comp_addr_r/kernel_comp_size are set)
#   initramfs.cpio.gz   busybox + kernel modules + /init that mounts root= read-only and
#                       switch_roots into init=
#   rootfs/             directory tree for the root partition (use `mkfs.ext4 -d`):
#                       busybox-static + applet symlinks, e2fsprogs + its libraries (a real
#                       mkfs.ext4 runs in the guest), empty Yocto-like mount points
#   assets.txt          exact package versions and file list (written last: completion marker)
#   tools.txt           NAME=PATH of the host tools the boot test needs
#   debs/               downloaded arm64 .deb files
#
# Host prerequisites: see install-host-packages.sh (Debian 12 + bookworm-backports).
# Exit codes: 0 ok, 1 error, 2 usage, 3 host setup missing (message says what to install/run).
#
# Environment overrides:
#   MODUCOP_KERNEL_PKG  kernel package (default: what linux-image-arm64:arm64 depends on)
#   MODUCOP_MODULES     space-separated module names to put in the initramfs (dependencies
#                       found in the modules' .modinfo are added and ordered automatically)
set -eu

ASSET_FORMAT=1
DEFAULT_MODULES="virtio_mmio virtio_pci virtio_blk crc32c_generic libcrc32c crc16 ext4 overlay vfat nls_cp437 nls_iso8859-1 nls_ascii loop"
LIB_PKGS="libc6 libext2fs2 libcom-err2 libblkid1 libuuid1 libss2"
QEMU_MIN_VERSION="9.0.1"
UBOOT_BIN=/usr/lib/u-boot/qemu_arm64/u-boot.bin

log() { printf 'prepare-assets: %s\n' "$*" >&2; }
die() { printf 'prepare-assets: ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 CACHE_DIR" >&2
    exit 2
fi
mkdir -p "$1"
CACHE_DIR=$(cd "$1" && pwd)

# ---------------------------------------------------------------------------------------
# Host tools
# ---------------------------------------------------------------------------------------
find_tool() {
    # prints the path of tool $1, searching PATH plus the sbin directories (non-root users
    # often lack /sbin and /usr/sbin in PATH, where sfdisk and mkfs.* live)
    local t="$1" d
    if command -v "$t" >/dev/null 2>&1; then
        command -v "$t"
        return 0
    fi
    for d in /usr/sbin /sbin /usr/bin /bin; do
        if [ -x "$d/$t" ]; then
            printf '%s\n' "$d/$t"
            return 0
        fi
    done
    return 1
}

version_ge() {
    # version_ge A B: true when dotted version A >= B
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]
}

check_host_tools() {
    local missing="" tools_file="$CACHE_DIR/tools.txt.tmp" entry tool pkg path qv
    : > "$tools_file"
    for entry in \
        qemu-system-aarch64:qemu-system-arm \
        mkimage:u-boot-tools \
        sfdisk:fdisk \
        mkfs.vfat:dosfstools \
        mcopy:mtools \
        mkfs.ext4:e2fsprogs \
        cpio:cpio \
        gzip:gzip \
        tar:tar \
        dd:coreutils \
        dpkg-deb:dpkg \
        apt-get:apt \
        apt-cache:apt \
        busybox:busybox; do
        tool=${entry%%:*}
        pkg=${entry#*:}
        if path=$(find_tool "$tool"); then
            printf '%s=%s\n' "$tool" "$path" >> "$tools_file"
        else
            log "missing host tool '$tool' (Debian package: $pkg)"
            case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
        fi
    done
    if [ -f "$UBOOT_BIN" ]; then
        printf 'u-boot.bin=%s\n' "$UBOOT_BIN" >> "$tools_file"
    else
        log "missing $UBOOT_BIN (Debian package: u-boot-qemu)"
        missing="$missing u-boot-qemu"
    fi
    if path=$(find_tool qemu-system-aarch64); then
        qv=$("$path" --version | sed -n '1s/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p')
        if [ -z "$qv" ] || ! version_ge "$qv" "$QEMU_MIN_VERSION"; then
            log "qemu-system-aarch64 is version '${qv:-unknown}'; >= $QEMU_MIN_VERSION is needed"
            log "(QEMU issue #2343: pflash writes time out, U-Boot saveenv fails)."
            log "install it from bookworm-backports:"
            log "    apt-get install -t bookworm-backports qemu-system-arm"
            rm -f "$tools_file"
            exit 3
        fi
        printf 'qemu-version=%s\n' "$qv" >> "$tools_file"
    fi
    if [ -n "$missing" ]; then
        log "install the missing packages, e.g.:"
        log "    apt-get install${missing}"
        case "$missing" in
            *qemu-system-arm*)
                log "    (qemu-system-arm must come from bookworm-backports:"
                log "     apt-get install -t bookworm-backports qemu-system-arm)" ;;
        esac
        log "or run install-host-packages.sh"
        rm -f "$tools_file"
        exit 3
    fi
    mv -f "$tools_file" "$CACHE_DIR/tools.txt"
}

check_host_tools

# ---------------------------------------------------------------------------------------
# Fast path: everything already prepared
# ---------------------------------------------------------------------------------------
if [ -f "$CACHE_DIR/assets.txt" ] \
    && grep -qx "format=$ASSET_FORMAT" "$CACHE_DIR/assets.txt" \
    && [ -s "$CACHE_DIR/Image" ] \
    && [ -s "$CACHE_DIR/Image.gz" ] \
    && [ -s "$CACHE_DIR/initramfs.cpio.gz" ] \
    && [ -x "$CACHE_DIR/rootfs/bin/busybox" ] \
    && [ -x "$CACHE_DIR/rootfs/sbin/mkfs.ext4" ]; then
    log "assets up to date in $CACHE_DIR"
    exit 0
fi

# ---------------------------------------------------------------------------------------
# arm64 packages
# ---------------------------------------------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "the arm64 architecture is not configured for apt; run as root:"
    log "    dpkg --add-architecture arm64 && apt-get update"
    exit 3
fi
# one apt-cache call (each takes seconds): are arm64 lists present, which kernel is current
apt_info=$(apt-cache depends busybox-static:arm64 linux-image-arm64:arm64 2>/dev/null || true)
if ! printf '%s\n' "$apt_info" | grep -qx 'busybox-static:arm64'; then
    log "no arm64 package lists yet; run as root:"
    log "    apt-get update"
    exit 3
fi

if [ -n "${MODUCOP_KERNEL_PKG:-}" ]; then
    KERNEL_PKG=${MODUCOP_KERNEL_PKG%:arm64}
else
    KERNEL_PKG=$(printf '%s\n' "$apt_info" \
        | sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -n 1)
    [ -n "$KERNEL_PKG" ] || die "cannot resolve linux-image-arm64:arm64 to a kernel package; set MODUCOP_KERNEL_PKG"
fi
MODULES=${MODUCOP_MODULES:-$DEFAULT_MODULES}
ALL_PKGS="$KERNEL_PKG busybox-static e2fsprogs $LIB_PKGS"

DEBS="$CACHE_DIR/debs"
mkdir -p "$DEBS"

deb_of() {
    # prints the cached .deb of package $1 (newest if several)
    local f found=""
    for f in "$DEBS/$1"_*_arm64.deb; do
        if [ -f "$f" ]; then
            found="$f"
        fi
    done
    [ -n "$found" ] && printf '%s\n' "$found"
}

need=""
for p in $ALL_PKGS; do
    if ! deb_of "$p" >/dev/null; then
        need="$need $p:arm64"
    fi
done
if [ -n "$need" ]; then
    log "downloading:$need"
    dl_tmp=$(mktemp -d "$DEBS/.download.XXXXXX")
    sandbox_opt=""
    if [ "$(id -u)" -eq 0 ]; then
        # apt's _apt sandbox user cannot write into root-owned cache dirs
        sandbox_opt="-o APT::Sandbox::User=root"
    fi
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    if ! (cd "$dl_tmp" && apt-get download -q $sandbox_opt $need); then
        rm -rf "$dl_tmp"
        die "apt-get download failed for:$need"
    fi
    mv -f "$dl_tmp"/*.deb "$DEBS"/
    rmdir "$dl_tmp"
fi

# ---------------------------------------------------------------------------------------
# Build (into a temporary directory, then move into place)
# ---------------------------------------------------------------------------------------
BUILD=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
cleanup() { rm -rf "$BUILD"; }
trap cleanup EXIT

# --- kernel -----------------------------------------------------------------------------
log "extracting kernel $KERNEL_PKG"
KDEB=$(deb_of "$KERNEL_PKG")
mkdir -p "$BUILD/kernel"
# The package unpacks to ~350 MB; take only the image and the module directories the
# initramfs normally needs (a module outside them triggers a full extraction below).
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$BUILD/kernel" --wildcards \
    './boot/vmlinuz-*' './lib/modules/*/modules.builtin' \
    './lib/modules/*/kernel/fs/*' './lib/modules/*/kernel/lib/*' \
    './lib/modules/*/kernel/crypto/*' './lib/modules/*/kernel/drivers/virtio/*' \
    './lib/modules/*/kernel/drivers/block/*' \
    || die "cannot extract $KDEB"
KIMAGE=""
for f in "$BUILD"/kernel/boot/vmlinuz-*; do
    if [ -f "$f" ]; then
        KIMAGE="$f"
    fi
done
[ -n "$KIMAGE" ] || die "no /boot/vmlinuz-* in $KDEB"
KVER=${KIMAGE##*/vmlinuz-}
MODDIR="$BUILD/kernel/lib/modules/$KVER"
[ -d "$MODDIR" ] || die "no /lib/modules/$KVER in $KDEB"
case "$(head -c 2 "$KIMAGE" | od -An -tx1 | tr -d ' ')" in
    1f8b) gzip -dc "$KIMAGE" > "$BUILD/Image" ;;   # Image.gz style (booti cannot unzip)
    *) cp "$KIMAGE" "$BUILD/Image" ;;
esac
# The plain Image (~33 MB) does not fit a 32 MiB boot partition: also provide Image.gz for
# U-Boot's booti, which decompresses it when kernel_comp_addr_r and kernel_comp_size are set.
gzip -6n -c "$BUILD/Image" > "$BUILD/Image.gz"

# --- busybox ----------------------------------------------------------------------------
mkdir -p "$BUILD/bb"
dpkg-deb -x "$(deb_of busybox-static)" "$BUILD/bb"
BUSYBOX="$BUILD/bb/bin/busybox"
[ -f "$BUSYBOX" ] || die "no /bin/busybox in busybox-static"
# The guest busybox cannot run on the host; its applet names are a sorted, NUL-separated
# table starting with "[" "[[" inside the binary.
tr '\0' '\n' < "$BUSYBOX" | awk '
    f == 0 && prev == "[" && $0 == "[[" { f = 1; print "["; print; prev = $0; next }
    f == 1 { if ($0 ~ /^[a-z0-9][a-z0-9_.-]*$/ && $0 > prev) { print; prev = $0 } else exit }
    { prev = $0 }' > "$BUILD/applets"
for a in sh mount umount switch_root insmod mkdir cat sleep poweroff; do
    grep -qx "$a" "$BUILD/applets" || die "busybox applet table not found or lacks '$a'"
done

SBIN_APPLETS=" init halt poweroff reboot switch_root pivot_root run-init insmod rmmod modprobe
    lsmod depmod modinfo mdev losetup swapon swapoff mkswap getty sulogin sysctl hwclock klogd
    syslogd ifconfig ifup ifdown route ip blockdev fdisk findfs mkdosfs fstrim partprobe
    start-stop-daemon watchdog chroot fsfreeze nameif "

install_busybox() {
    # install_busybox ROOT: /bin/busybox + applet symlinks (existing files win)
    local root="$1" a
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
    cp "$BUSYBOX" "$root/bin/busybox"
    chmod 0755 "$root/bin/busybox"
    while IFS= read -r a; do
        case "$a" in busybox|linuxrc) continue ;; esac
        if [ ! -e "$root/bin/$a" ] && [ ! -L "$root/bin/$a" ]; then
            ln -s busybox "$root/bin/$a"
        fi
        case "$SBIN_APPLETS" in
            *[[:space:]]"$a"[[:space:]]*)
                if [ ! -e "$root/sbin/$a" ] && [ ! -L "$root/sbin/$a" ]; then
                    ln -s ../bin/busybox "$root/sbin/$a"
                fi ;;
        esac
    done < "$BUILD/applets"
    if [ ! -e "$root/usr/bin/env" ]; then
        ln -s ../../bin/busybox "$root/usr/bin/env"
    fi
}

# --- initramfs --------------------------------------------------------------------------
log "building initramfs ($KVER)"
IRD="$BUILD/initramfs"
mkdir -p "$IRD/dev" "$IRD/proc" "$IRD/sys" "$IRD/run" "$IRD/newroot" "$IRD/lib/modules" "$IRD/etc"
install_busybox "$IRD"

# module path by name (file names use '-' or '_' interchangeably)
find "$MODDIR" -name '*.ko*' > "$BUILD/all-modules"
module_file() {
    local re
    re=$(printf '%s' "$1" | sed 's/[-_]/[-_]/g')
    if ! grep -Eq "/$re\\.ko(\\.xz|\\.zst|\\.gz)?\$" "$BUILD/all-modules" \
        && [ ! -e "$BUILD/kernel-full" ]; then
        log "module $1 not in the partial extraction; extracting the whole kernel package"
        dpkg-deb -x "$KDEB" "$BUILD/kernel" >&2
        : > "$BUILD/kernel-full"
        find "$MODDIR" -name '*.ko*' > "$BUILD/all-modules"
    fi
    grep -E "/$re\\.ko(\\.xz|\\.zst|\\.gz)?\$" "$BUILD/all-modules" | head -n 1
}
module_deps() {
    # the depends= line of the module's .modinfo, as space-separated names
    local f="$1"
    case "$f" in
        *.ko.xz) xz -dc "$f" ;;
        *.ko.zst) zstd -dc "$f" ;;
        *.ko.gz) gzip -dc "$f" ;;
        *) cat "$f" ;;
    esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '
}
: > "$BUILD/order"
add_module() {
    # depth-first: dependencies first
    local n="$1" f d
    n=$(printf '%s' "$n" | tr '-' '_')
    if grep -qx "$n" "$BUILD/order"; then
        return 0
    fi
    f=$(module_file "$n")
    if [ -z "$f" ]; then
        if grep -Eq "/$(printf '%s' "$n" | sed 's/[-_]/[-_]/g')\\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null; then
            log "module $n is built into the kernel"
            return 0
        fi
        die "kernel module $n not found in $KERNEL_PKG"
    fi
    for d in $(module_deps "$f"); do
        add_module "$d"
    done
    if ! grep -qx "$n" "$BUILD/order"; then
        printf '%s\n' "$n" >> "$BUILD/order"
        case "$f" in
            *.ko.xz) xz -dc "$f" > "$IRD/lib/modules/$n.ko" ;;
            *.ko.zst) zstd -dc "$f" > "$IRD/lib/modules/$n.ko" ;;
            *.ko.gz) gzip -dc "$f" > "$IRD/lib/modules/$n.ko" ;;
            *) cp "$f" "$IRD/lib/modules/$n.ko" ;;
        esac
    fi
}
for m in $MODULES; do
    add_module "$m"
done
cp "$BUILD/order" "$IRD/lib/modules/load-order"
printf '%s\n' "$KVER" > "$IRD/etc/kernel-version"

cat > "$IRD/init" <<'INIT'
#!/bin/sh
# moducop boot-test initramfs /init
# Kernel command line understood:
#   root=/dev/vdaN | LABEL=x | UUID=x | PARTLABEL=x   (required)
#   rootfstype=ext4   rootflags=opts   ro | rw (default ro)   init=/path (default /sbin/init)
#   rootdelay=SECONDS (how long to wait for the root device, default 10)
#   initdebug         (set -x)
# On any failure prints "INITRAMFS-ERROR: ..." and powers off (QEMU -no-reboot exits).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

msg() { echo "initramfs: $*"; }
fail() {
    echo "INITRAMFS-ERROR: $*"
    sync
    poweroff -f
    sleep 5
    exit 1
}

root="" rootfstype="" rootflags="" mode=ro init=/sbin/init rootdelay=10
for arg in $(cat /proc/cmdline); do
    case "$arg" in
        root=*) root=${arg#root=} ;;
        rootfstype=*) rootfstype=${arg#rootfstype=} ;;
        rootflags=*) rootflags=${arg#rootflags=} ;;
        rootdelay=*) rootdelay=${arg#rootdelay=} ;;
        init=*) init=${arg#init=} ;;
        ro) mode=ro ;;
        rw) mode=rw ;;
        initdebug) set -x ;;
    esac
done
[ -n "$root" ] || fail "no root= on the kernel command line"

while read -r m; do
    [ -n "$m" ] || continue
    insmod "/lib/modules/$m.ko" || fail "insmod $m failed"
done < /lib/modules/load-order
msg "loaded modules: $(tr '\n' ' ' < /lib/modules/load-order)"

resolve_root() {
    case "$root" in
        /dev/*) [ -b "$root" ] && echo "$root" ;;
        LABEL=*|UUID=*) findfs "$root" 2>/dev/null ;;
        PARTLABEL=*)
            for u in /sys/class/block/*/uevent; do
                if grep -qx "PARTNAME=${root#PARTLABEL=}" "$u"; then
                    d=${u%/uevent}
                    echo "/dev/${d##*/}"
                    return
                fi
            done ;;
    esac
}
i=0
dev=$(resolve_root)
while [ -z "$dev" ]; do
    [ "$i" -ge $((rootdelay * 10)) ] && fail "root device $root not found after ${rootdelay}s"
    usleep 100000
    i=$((i + 1))
    dev=$(resolve_root)
done

opts=$mode
[ -n "$rootflags" ] && opts="$opts,$rootflags"
if [ -n "$rootfstype" ]; then
    mount -t "$rootfstype" -o "$opts" "$dev" /newroot || fail "mount -t $rootfstype -o $opts $dev failed"
else
    mount -o "$opts" "$dev" /newroot || fail "mount -o $opts $dev failed"
fi
msg "mounted $dev ($root) on / ($opts), starting $init"
[ -x "/newroot$init" ] || [ -L "/newroot$init" ] || fail "$init not found or not executable on $dev"

# Hand over like a kernel without initramfs would (CONFIG_DEVTMPFS_MOUNT=y, as Yocto
# builds): /dev is devtmpfs, /proc and /sys are NOT mounted, environment is HOME and TERM.
mount --move /dev /newroot/dev 2>/dev/null || mount -t devtmpfs devtmpfs /newroot/dev
umount /proc /sys
exec env -i HOME=/ TERM=linux switch_root /newroot "$init"
INIT
chmod 0755 "$IRD/init"

# newc cpio entry for /dev/console (char 5:1), so the kernel can open the console before
# /init runs, without needing root to mknod it on the host.
cpio_console_entry() {
    local name="dev/console"
    local namesize=$(( ${#name} + 1 ))
    # magic ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj rdevmin namesize check
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        1 $((0020000 | 0600)) 0 0 1 0 0 0 0 5 1 "$namesize" 0
    printf '%s\0' "$name"
    # header (110) + name padded to a multiple of 4
    local pad=$(( (4 - (110 + namesize) % 4) % 4 ))
    head -c "$pad" /dev/zero
}
{
    (cd "$IRD" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' \
        | cpio --quiet -o -H newc -R 0:0 --reproducible)
    {
        cpio_console_entry
        name="TRAILER!!!"
        printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
            0 0 0 0 1 0 0 0 0 0 0 $(( ${#name} + 1 )) 0
        printf '%s\0' "$name"
        head -c $(( (4 - (110 + ${#name} + 1) % 4) % 4 )) /dev/zero
    }
} | gzip -9n > "$BUILD/initramfs.cpio.gz"

# --- rootfs -----------------------------------------------------------------------------
log "building rootfs tree"
RFS="$BUILD/rootfs"
mkdir -p "$RFS"
for p in e2fsprogs $LIB_PKGS; do
    dpkg-deb -x "$(deb_of "$p")" "$RFS"
done
# drop what a minimal target does not need (docs, locales, gconv, systemd/cron units)
rm -rf "${RFS:?}/usr/share" "$RFS/usr/lib/aarch64-linux-gnu/gconv" "$RFS/lib/systemd" \
    "$RFS/lib/udev" "$RFS/etc/cron.d" "$RFS/usr/lib/aarch64-linux-gnu/e2fsprogs" \
    "$RFS/usr/libexec"
install_busybox "$RFS"
for d in proc sys dev run data tmp boot mnt root home etc \
    var/volatile var/cache var/lib var/spool usr/lib lib; do
    mkdir -p "$RFS/$d"
done
chmod 1777 "$RFS/tmp"
chmod 0700 "$RFS/root"
ln -sfn volatile/log "$RFS/var/log"
ln -sfn volatile/tmp "$RFS/var/tmp"
ln -sfn ../run "$RFS/var/run"
ln -sfn ../run/lock "$RFS/var/lock"
ln -sfn /proc/mounts "$RFS/etc/mtab"
printf 'root::0:0:root:/root:/bin/sh\n' > "$RFS/etc/passwd"
printf 'root:x:0:\n' > "$RFS/etc/group"
printf 'moducop-test\n' > "$RFS/etc/hostname"
printf '%s\n' "$KVER" > "$RFS/etc/kernel-version"

# --- record versions, move into place ---------------------------------------------------
{
    echo "format=$ASSET_FORMAT"
    echo "kernel-release=$KVER"
    echo "modules=$(tr '\n' ' ' < "$BUILD/order" | sed 's/ $//')"
    for p in $ALL_PKGS; do
        f=$(deb_of "$p")
        printf 'package=%s %s %s %s\n' \
            "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" \
            "$(dpkg-deb -f "$f" Architecture)" "${f##*/}"
    done
    echo "image-bytes=$(wc -c < "$BUILD/Image")"
    echo "image-gz-bytes=$(wc -c < "$BUILD/Image.gz")"
    echo "initramfs-bytes=$(wc -c < "$BUILD/initramfs.cpio.gz")"
    echo "rootfs-kbytes=$(du -sk "$RFS" | cut -f1)"
} > "$BUILD/assets.txt"

rm -f "$CACHE_DIR/assets.txt"
rm -rf "$CACHE_DIR/rootfs"
mv -f "$BUILD/Image" "$CACHE_DIR/Image"
mv -f "$BUILD/Image.gz" "$CACHE_DIR/Image.gz"
mv -f "$BUILD/initramfs.cpio.gz" "$CACHE_DIR/initramfs.cpio.gz"
mv "$RFS" "$CACHE_DIR/rootfs"
mv -f "$BUILD/assets.txt" "$CACHE_DIR/assets.txt"
log "done: $CACHE_DIR"
cat "$CACHE_DIR/assets.txt" >&2
