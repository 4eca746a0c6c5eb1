#!/bin/sh
[=header]
#
# ModuCop early init. The kernel starts it as init= with the root file system read-only; it
# prepares the writable parts of the system and then hands over to the real init (systemd):
#   - the data partition (moducop.data= on the kernel command line) on /data, formatted when it
#     is blank; when it is missing or holds something else, /data falls back to tmpfs, loudly;
#   - persistent overlays ([#list distro.overlays.persistent as d][=d][#sep] [/#list]) with their upper directories on /data;
#   - tmpfs overlays ([#list distro.overlays.volatileDirs as d][=d][#sep] [/#list]), /run and /var/volatile on tmpfs;
#   - systemd-timesyncd's clock file on /data ($DATA/timesync on /var/lib/systemd/timesync);
#     /var/log -> volatile/log and /var/run -> ../run are links in the image (poky's base-files).
#
# Persistent overlays are kept per slot (/data/overlay/<slot>/...), stamped with the id of the
# root file system they were made for (/etc/moducop/rootfs-id). When a slot boots a root file
# system it has not seen (an update wrote it), its overlays are seeded from the slot that booted
# last, so configuration carries over into the update; the old slot's own copy stays untouched,
# so falling back to it also falls back to the configuration that went with it.

PERSISTENT="[#list distro.overlays.persistent as d][=d][#sep] [/#list]"
VOLATILE="[#list distro.overlays.volatileDirs as d][=d][#sep] [/#list]"
DATA=/data
STATE=$DATA/overlay
REAL_INIT=/sbin/init

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

log() {
    echo "moducop-init: $*" > /dev/kmsg 2> /dev/null || echo "moducop-init: $*"
    echo "moducop-init: $*" > /dev/console 2> /dev/null || true
}

warn_loudly() {
    for line in \
        "********************************************************************" \
        "WARNING: $*" \
        "WARNING: /data is a tmpfs: configuration and containers are NOT kept" \
        "********************************************************************"; do
        log "$line"
    done
    mkdir -p /run/moducop
    echo "$*" > /run/moducop/data-fallback
}

# Value of NAME=value on the kernel command line, empty when absent.
cmdline_value() {
    read -r cmdline < /proc/cmdline
    set -f
    for arg in $cmdline; do
        case "$arg" in
            "$1="*) set +f; echo "${arg#*=}"; return 0 ;;
        esac
    done
    set +f
    return 1
}

mount_kernel_filesystems() {
    mount -t proc -o nosuid,nodev,noexec proc /proc
    mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
    grep -q ' /dev ' /proc/mounts || mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /var/volatile
    mkdir -p /var/volatile/log /var/volatile/tmp
    chmod 1777 /var/volatile/tmp
}

# A partition is blank, and only then formatted, when it starts with the marker the image writes
# there (moducop-data-blank.img) or its first MiB is all zeros.
is_blank() {
    [ "$(dd if="$1" bs=19 count=1 2> /dev/null)" = "MODUCOP-DATA-BLANK" ] \
        || [ "$(dd if="$1" bs=65536 count=16 2> /dev/null | tr -d '\000' | wc -c)" -eq 0 ]
}

# The root file system is mounted already, so its disk is known; allow a moment for the rest.
wait_for_device() {
    tries=0
    while [ ! -b "$1" ] && [ "$tries" -lt 20 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -b "$1" ]
}

mount_data() {
    dev=$(cmdline_value moducop.data) || dev=
    if [ -z "$dev" ]; then
        warn_loudly "no moducop.data= on the kernel command line"
    elif ! wait_for_device "$dev"; then
        warn_loudly "data partition $dev does not exist"
    else
        if command -v e2fsck > /dev/null && ! is_blank "$dev"; then
            rc=0
            e2fsck -p "$dev" > /dev/null 2>&1 || rc=$?
            [ "$rc" -lt 4 ] || log "e2fsck could not repair $dev (exit $rc)"
        fi
        if mount -t ext4 -o noatime,nodev "$dev" "$DATA" 2> /dev/null; then
            return 0
        fi
        if is_blank "$dev"; then
            log "data partition $dev is blank: formatting it (ext4, label data)"
            if mkfs.ext4 -q -L data "$dev" && mount -t ext4 -o noatime,nodev "$dev" "$DATA"; then
                return 0
            fi
            warn_loudly "formatting data partition $dev failed"
        else
            warn_loudly "data partition $dev holds no ext4 file system ModuCop can mount; it was left untouched"
        fi
    fi
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$DATA"
    return 1
}

# Makes $STATE/$slot current for the root file system that is running.
prepare_slot_state() {
    slot=$1
    rootfs_id=$(cat /etc/moducop/rootfs-id 2> /dev/null) || rootfs_id=unknown
    dir=$STATE/$slot
    if [ -d "$dir" ] && [ "$(cat "$dir/rootfs-id" 2> /dev/null)" = "$rootfs_id" ]; then
        return 0
    fi
    last=$(cat "$STATE/last-slot" 2> /dev/null) || last=
    staging=$STATE/.$slot.new
    rm -rf "$staging"
    mkdir -p "$staging"
    if [ -n "$last" ] && [ "$last" != "$slot" ] && [ -d "$STATE/$last" ]; then
        log "slot $slot runs a root file system it has not run before: carrying over slot $last's overlays"
        cp -a "$STATE/$last/." "$staging/"
    elif [ -d "$dir" ]; then
        log "slot $slot runs a new root file system: keeping its overlays"
        cp -a "$dir/." "$staging/"
    fi
    # overlayfs work directories belong to the mount that made them; nothing else is touched
    for d in $PERSISTENT; do
        rm -rf "$staging$d/work"
    done
    # systemd's update units (ConditionNeedsUpdate=/etc: ldconfig, hwdb, sysusers) run when
    # /etc/.updated is missing or older than /usr. oe-core gives every file of every image the same
    # mtime (REPRODUCIBLE_TIMESTAMP_ROOTFS), so a stamp carried over from another root file system
    # would skip them, although this one has not been through them yet.
    rm -f "$staging/etc/upper/.updated"
    echo "$rootfs_id" > "$staging/rootfs-id"
    rm -rf "$dir.old"
    if [ -d "$dir" ]; then
        mv "$dir" "$dir.old"
    fi
    mv "$staging" "$dir"
    rm -rf "$dir.old"
    sync
}

# overlay DIR BASE: overlays DIR with BASE/upper and BASE/work. The lower directory is the root file
# system, which an update replaces under the upper: the features that forbid changing the lower
# layer offline stay off (as in oe-core's overlayfs-etc).
overlay() {
    mkdir -p "$2/upper" "$2/work"
    if ! mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work,index=off,xino=off,redirect_dir=off,metacopy=off" "$1"; then
        log "overlay on $1 failed: $1 stays read-only"
    fi
}

# systemd-timesyncd keeps the time of its last synchronisation as the mtime of
# /var/lib/systemd/timesync/clock and advances the clock to it at boot; /var/lib is a tmpfs here, so
# a board without a battery-backed clock would start each boot at the image's build time.
persist_clock() {
    if mkdir -p "$DATA/timesync" /var/lib/systemd/timesync \
        && mount -o bind "$DATA/timesync" /var/lib/systemd/timesync; then
        return 0
    fi
    log "/var/lib/systemd/timesync is not on $DATA: the clock restarts from the build time after a reboot"
}

mount_kernel_filesystems
slot=$(cmdline_value rauc.slot) || slot=default
if mount_data; then
    prepare_slot_state "$slot"
    echo "$slot" > "$STATE/last-slot"
fi
for dir in $PERSISTENT; do
    overlay "$dir" "$STATE/$slot$dir"
done
for dir in $VOLATILE; do
    overlay "$dir" "/var/volatile/overlay$dir"
done
persist_clock
[#if distro.rauc && distro.apps?has_content]
# RAUC refuses to start when an artifact repository's directory is missing (system.conf [artifacts.apps])
mkdir -p "$DATA/moducop/app-repo" || log "cannot create $DATA/moducop/app-repo: app bundles cannot be installed"
[/#if]
log "slot $slot, data on $DATA, overlays ready"

exec "$REAL_INIT" "$@"
