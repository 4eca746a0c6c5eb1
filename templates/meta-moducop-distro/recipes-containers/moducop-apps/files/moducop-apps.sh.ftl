[=header]
#
# Sourced by the moducop-app scripts: which set of applications this boot runs, and where its
# files are. A set is the applications' compose files and image lists, either the one the root
# file system shipped with (/usr/share/moducop/apps) or one an app bundle brought
# (/data/moducop/apps/.set-ID, made by moducop-app-update). The booted slot runs, in this order:
#   - the set on trial, while moducop-app-update tries an app bundle (/run: a reboot ends a trial);
#   - the set marked good together with this slot's root file system (good-SLOT on /data names it;
#     a set marked good with another root file system, before an OS update wrote the slot, is not);
#   - the set the slot shipped with.

# shellcheck disable=SC2034 # the scripts that source this use them
MODUCOP_SHIPPED=/usr/share/moducop/apps
MODUCOP_STATE=/data/moducop/apps
MODUCOP_REPO=/data/moducop/app-repo
MODUCOP_TRIAL=/run/moducop/apps-trial
MODUCOP_APPS="[#list distro.apps as a][=a.name][#sep] [/#list]"

# the booted slot (A or B) from the kernel command line; empty when the boot script did not set one
booted_slot() {
    read -r cmdline < /proc/cmdline
    set -f
    for arg in $cmdline; do
        case "$arg" in
            rauc.slot=A | rauc.slot=B) set +f; echo "${arg#rauc.slot=}"; return 0 ;;
        esac
    done
    set +f
    return 0
}

rootfs_id() {
    cat /etc/moducop/rootfs-id 2> /dev/null || echo unknown
}

# set_id FILE: the set id FILE names (16 hex digits), nothing when it names none. These functions
# succeed when they print nothing: the scripts run with set -e.
set_id() {
    sid=$(head -c 64 "$1" 2> /dev/null | head -n 1)
    case "$sid" in
        [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
            if [ -d "$MODUCOP_STATE/.set-$sid" ] && [ ! -L "$MODUCOP_STATE/.set-$sid" ]; then
                echo "$sid"
            fi ;;
    esac
    return 0
}

# good_set SLOT: the id of the set marked good with SLOT's running root file system, if any
good_set() {
    gid=$(set_id "$MODUCOP_STATE/good-$1")
    if [ -n "$gid" ] && [ "$(head -c 256 "$MODUCOP_STATE/.set-$gid/rootfs-id" 2> /dev/null)" = "$(rootfs_id)" ]; then
        echo "$gid"
    fi
    return 0
}

# set_dir: the directory of the set this boot runs
set_dir() {
    did=$(set_id "$MODUCOP_TRIAL")
    if [ -z "$did" ]; then
        did=$(good_set "$(booted_slot)")
    fi
    if [ -n "$did" ]; then
        echo "$MODUCOP_STATE/.set-$did"
    else
        echo "$MODUCOP_SHIPPED"
    fi
}

# set_version DIR: what a set is, for messages
set_version() {
    if [ "$1" = "$MODUCOP_SHIPPED" ]; then
        echo "the slot's own applications"
    else
        echo "app bundle $(head -c 64 "$1/version" 2> /dev/null | head -n 1)"
    fi
}

# layout DIR APP: the OCI layout APP's images load from (an app bundle's own, else the slot's)
layout() {
    if [ -d "$1/$2/oci" ]; then echo "$1/$2/oci"; else echo "$1/images"; fi
}

known_app() {
    case " $MODUCOP_APPS " in
        *" $1 "*) return 0 ;;
    esac
    return 1
}
