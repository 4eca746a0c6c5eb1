#!/bin/sh
[=header]
#
# moducop-app-update: tries the applications of the app bundle RAUC has just put into the apps
# repository (/data/moducop/app-repo) on the running slot, and keeps them only when they become
# healthy. moducop-app-update.service runs it; RAUC's post-install handler starts that.
#   1. The bundle's set is copied out of the repository (compose files and image lists; the
#      images load from the artifact's OCI layout): RAUC removes an artifact that a later bundle
#      does not carry, so a set that may have to run again cannot live there.
#   2. Trial: the applications stop, the new set is put on trial (/run/moducop/apps-trial) and
#      started, and each application must become healthy within its health-timeout.
#   3. Healthy: the set is marked good with the booted slot (good-SLOT, one rename: the commit
#      point), unused images and sets are pruned. Otherwise its applications stop and the
#      previous set starts again. A reboot or power cut ends a trial (its mark is in /run): the
#      previous set runs.
# The outcome goes to /data/moducop/apps/last-update (moducop-app status) and the journal.

set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
TIMEOUTS="[#list distro.apps as a][=a.name]:[=a.healthTimeout?c][#sep] [/#list]"
state=$MODUCOP_STATE

result() {
    printf '%s\n' "$*" > "$state/.last-update.new" && sync && mv "$state/.last-update.new" "$state/last-update" && sync
    echo "moducop-app-update: $*"
}

slot=$(booted_slot)
if [ -z "$slot" ]; then
    echo "moducop-app-update: not booted by the ModuCop boot flow (no rauc.slot=): nothing to try"
    exit 0
fi
mkdir -p "$state"
# the version of the bundle RAUC installed last (moducop-app-postinstall)
pending_version() {
    v=$(head -c 64 "$state/pending-version" 2> /dev/null | head -n 1)
    case "$v" in
        '' | *[!A-Za-z0-9.+~_-]*) v=unknown ;;
    esac
    echo "$v"
}
version=$(pending_version)
if [ ! -e /run/moducop/slot-good ]; then
    result "app bundle $version: not tried: slot $slot is not marked good yet; install it again once it is"
    exit 1
fi

# the repository's state: one line per application and the artifact its link names
repo_id() {
    for app in $MODUCOP_APPS; do
        echo "$app $(readlink "$MODUCOP_REPO/$app" 2> /dev/null)"
    done | sha256sum | cut -c1-16
}

refuse() {
    rm -rf "$tmp"
    result "app bundle $version: refused, nothing changed: $*"
    exit 1
}

# copy_set DIR: the repository's applications as a set in DIR
copy_set() {
    rm -rf "$1"
    mkdir -p "$1"
    for entry in "$MODUCOP_REPO"/*; do
        [ -e "$entry" ] || [ -L "$entry" ] || continue
        known_app "${entry##*/}" \
            || refuse "it carries ${entry##*/}, an application this OS does not run (adding or removing one is an OS update)"
    done
    for app in $MODUCOP_APPS; do
        link=$(readlink "$MODUCOP_REPO/$app") || refuse "it lacks the application $app"
        printf '%s\n' "$link" | grep -Eqx "\.artifact-$app-[0-9a-f]{64}" || refuse "$app: the repository links it to $link"
        src=$MODUCOP_REPO/$link
        if [ ! -d "$src" ] || [ -L "$src" ]; then
            refuse "$app: $link is no directory"
        fi
        mkdir "$1/$app"
        for f in compose.yaml images; do
            if [ ! -f "$src/$f" ] || [ -L "$src/$f" ] || [ "$(wc -c < "$src/$f")" -gt 1048576 ]; then
                refuse "$app: the artifact has no $f (a regular file of at most 1 MiB)"
            fi
            cp "$src/$f" "$1/$app/$f"
        done
        grep -Evxq '[0-9a-f]{64} [^ ]{1,255} [^ ]{1,255}' "$1/$app/images" \
            && refuse "$app: its image list has a line that is not HEX REPOSITORY NAME"
        if [ ! -d "$src/oci" ] || [ -L "$src/oci" ]; then
            refuse "$app: the artifact has no OCI layout"
        fi
        ln -s "$src/oci" "$1/$app/oci"
    done
    echo "$version" > "$1/version"
    rootfs_id > "$1/rootfs-id"
    sync
}

# start_set: starts every application of the set that set_dir names now; the first one that
# does not become healthy in its time is the reason, on stdout
start_set() {
    for entry in $TIMEOUTS; do
        app=${entry%%:*}
        if ! systemctl start "moducop-app@$app.service"; then
            echo "moducop-app@$app.service failed to start"
            return 1
        fi
        /usr/libexec/moducop-app-health "$app" "${entry#*:}" || return 1
    done
}

stop_set() {
    for app in $MODUCOP_APPS; do
        systemctl stop "moducop-app@$app.service"
    done
}

# A bundle installed while another is on trial only merges its start into the running job: the
# repository is looked at again after each trial.
rc=0
tried=
while :; do
    id=$(repo_id)
    [ "$id" != "$tried" ] || exit "$rc"
    tried=$id
    version=$(pending_version)
    old=$(set_dir)
    if [ "$old" = "$state/.set-$id" ]; then
        result "app bundle $version: its applications already run on slot $slot"
        continue
    fi
    tmp=$state/.set-$id.tmp
    copy_set "$tmp"
    rm -rf "$state/.set-$id"
    mv "$tmp" "$state/.set-$id"
    sync
    result "app bundle $version: on trial on slot $slot (if it fails: back to $(set_version "$old"))"
    stop_set
    mkdir -p /run/moducop
    echo "$id" > /run/moducop/.apps-trial.new
    mv /run/moducop/.apps-trial.new "$MODUCOP_TRIAL"
    if reason=$(start_set); then
        echo "$id" > "$state/.good-$slot.new"
        sync
        mv "$state/.good-$slot.new" "$state/good-$slot"
        sync
        rm -f "$MODUCOP_TRIAL"
        result "app bundle $version: healthy; marked good with slot $slot"
        /usr/libexec/moducop-app-prune "$slot" || echo "moducop-app-update: moducop-app-prune failed; unused images stay on /data"
    else
        stop_set
        rm -f "$MODUCOP_TRIAL"
        start_set > /dev/null
        result "app bundle $version: not healthy ($reason); reverted to $(set_version "$old")"
        /usr/libexec/moducop-app-prune "$slot" || echo "moducop-app-update: moducop-app-prune failed; unused images stay on /data"
        rc=1
    fi
done
