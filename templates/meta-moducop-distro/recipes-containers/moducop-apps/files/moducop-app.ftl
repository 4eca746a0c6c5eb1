#!/bin/sh
[=header]
#
# moducop-app status: which applications this boot runs (the slot's own, or an app bundle's
# marked good with this slot), what each slot has marked good, and what became of the last app
# bundle (moducop-app-update).

set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
case "${1:-status}" in
    status) ;;
    *) echo "usage: moducop-app [status]" >&2; exit 2 ;;
esac

slot=$(booted_slot)
dir=$(set_dir)
echo "slot ${slot:-(none)}, root file system $(rootfs_id): runs $(set_version "$dir")"
trial=$(set_id "$MODUCOP_TRIAL")
[ -z "$trial" ] || echo "on trial now: $(set_version "$MODUCOP_STATE/.set-$trial")"
for s in A B; do
    id=$(set_id "$MODUCOP_STATE/good-$s")
    if [ -z "$id" ]; then
        echo "slot $s: its own applications (no app bundle marked good with it)"
    elif [ "$s" = "$slot" ] && [ -z "$(good_set "$s")" ]; then
        echo "slot $s: app bundle $(head -c 64 "$MODUCOP_STATE/.set-$id/version" | head -n 1) was marked good with an earlier root file system: not used"
    else
        echo "slot $s: marked good with app bundle $(head -c 64 "$MODUCOP_STATE/.set-$id/version" | head -n 1)"
    fi
done
last=$(head -c 1024 "$MODUCOP_STATE/last-update" 2> /dev/null | head -n 1)
echo "last app bundle: ${last:-none installed}"
case "$last" in
    *": on trial on slot "*)
        if [ -z "$trial" ] && [ "$(systemctl show -P ActiveState moducop-app-update.service)" != activating ]; then
            echo "  (that trial was cut short by a reboot or a power cut: the set marked good runs)"
        fi ;;
esac
for app in $MODUCOP_APPS; do
    echo "$app: moducop-app@$app.service $(systemctl is-active "moducop-app@$app.service"), $dir/$app/compose.yaml"
done
