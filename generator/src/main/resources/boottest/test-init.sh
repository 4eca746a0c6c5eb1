#!/bin/sh
# boot-test's stand-in for systemd: moducop-init execs it as /sbin/init once the data
# partition and overlays are set up. It reports what the system looks like on the console
# (lines starting with BOOTTEST:), leaves markers for the next boot in each of the profile's
# overlays (listed in /boottest-overlays by the harness), and powers off.
echo "BOOTTEST: start"
read -r cmdline < /proc/cmdline
echo "BOOTTEST: cmdline $cmdline"
while read -r dev dir fstype opts rest; do
    echo "BOOTTEST: mount $dir $fstype $dev $opts"
done < /proc/mounts
for link in /var/log /var/run; do
    echo "BOOTTEST: resolves $link $(readlink -f "$link")"
done
markers=
while read -r kind dir; do
    markers="$markers $dir/boottest-marker"
    [ -n "$kind" ]
done < /boottest-overlays
for marker in $markers; do
    if [ -f "$marker" ]; then
        echo "BOOTTEST: found $marker $(cat "$marker")"
    else
        echo "BOOTTEST: absent $marker"
    fi
done
if touch /boottest-rootfs-write 2> /dev/null; then
    echo "BOOTTEST: rootfs writable"
else
    echo "BOOTTEST: rootfs read-only"
fi
slot=unknown
for arg in $cmdline; do
    case "$arg" in rauc.slot=*) slot=${arg#rauc.slot=} ;; esac
done
for marker in $markers; do
    echo "written in slot $slot" > "$marker" || echo "BOOTTEST: cannot write $marker"
done
sync
echo "BOOTTEST: done"
poweroff -f
