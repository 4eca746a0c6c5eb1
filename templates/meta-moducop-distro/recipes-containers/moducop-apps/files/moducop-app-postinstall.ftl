#!/bin/sh
[=header]
#
# RAUC's post-install handler (system.conf, [handlers] post-install). After an app bundle (its
# manifest has [image.apps/NAME] sections) it hands what RAUC put into the apps repository to
# moducop-app-update.service and returns: the trial runs on its own, after rauc install. An OS
# bundle is left alone: its applications come with its slot.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

manifest=${RAUC_BUNDLE_MOUNT_POINT:?}/manifest.raucm
grep -q '^\[image\.apps/' "$manifest" || exit 0
version=$(awk -F= '/^\[/ { section = $0; next } section == "[update]" && $1 == "version" { print substr($0, 9); exit }' "$manifest")
case "$version" in
    '' | *[!A-Za-z0-9.+~_-]*) version=unknown ;;
esac
mkdir -p /data/moducop/apps
printf '%s\n' "$version" > /data/moducop/apps/.pending-version.new
mv /data/moducop/apps/.pending-version.new /data/moducop/apps/pending-version
systemctl --no-block start moducop-app-update.service
echo "moducop: app bundle $version installed; its applications go on trial (moducop-app status)"
