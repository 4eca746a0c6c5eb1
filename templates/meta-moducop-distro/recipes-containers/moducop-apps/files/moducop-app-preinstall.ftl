#!/bin/sh
[=header]
#
# RAUC's pre-install handler (system.conf, [handlers] pre-install), run before RAUC writes
# anything. An app bundle (its manifest has [image.apps/NAME] sections) is refused, exit 1, when
# it does not carry exactly the applications this OS runs, or when it does not fit on /data: its
# artifacts unpacked, RAUC's temporary copy of the largest, podman's copy of the images when
# they load, and 64 MiB to spare. An OS bundle is left alone.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
manifest=${RAUC_BUNDLE_MOUNT_POINT:?}/manifest.raucm
grep -q '^\[image\.apps/' "$manifest" || exit 0

# RAUC's handler protocol: "<< error" lines reach the rauc install client, others its journal
refuse() {
    echo "<< error app bundle refused, nothing written: $*"
    echo "moducop: app bundle refused, nothing written: $*"
    exit 1
}

# NAME SIZE, one line per [image.apps/NAME] section
artifacts=$(awk -F= '/^\[/ { name = ""; if ($0 ~ /^\[image\.apps\/[a-z0-9-]+\]$/) name = substr($0, 13, length($0) - 13); next }
    name != "" && $1 == "size" && $2 ~ /^[0-9]+$/ { print name, $2 }' "$manifest")
for app in $MODUCOP_APPS; do
    printf '%s\n' "$artifacts" | grep -q "^$app " || refuse "it lacks the application $app"
done
total=0
largest=0
while read -r name size; do
    [ -n "$name" ] || continue
    known_app "$name" || refuse "it carries $name, an application this OS does not run (adding or removing one is an OS update)"
    total=$((total + size))
    [ "$size" -le "$largest" ] || largest=$size
done << END
$artifacts
END
need=$(((2 * total + largest) / 1048576 + 64))
free=$(($(df -Pk /data | awk 'NR == 2 { print $4 }') / 1024))
[ "$free" -ge "$need" ] || refuse "it does not fit on /data: it needs $need MiB, $free MiB are free"
