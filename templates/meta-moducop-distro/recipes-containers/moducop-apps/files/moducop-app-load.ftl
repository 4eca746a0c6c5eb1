#!/bin/sh
[=header]
#
# moducop-app-load APP: makes the images APP's compose file pins known to podman (storage on
# /data) from the OCI layout of the set this boot runs (moducop-apps.sh): the one preloaded in
# the slot, or an app bundle's, without a network. An image already there
# is left alone, so after an update or a rollback only the images that slot brings are added.
# Each image it loads is listed in /data/moducop/apps/loaded (before the load, so that a power
# cut cannot leave an image nobody lists): moducop-app-prune removes only images listed there.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
state=$MODUCOP_STATE
case "${1:-}" in
    '' | *[!a-z0-9-]*) echo "usage: moducop-app-load APP" >&2; exit 2 ;;
esac
dir=$(set_dir)
list="$dir/$1/images"
[ -f "$list" ] || { echo "moducop-app-load: no application $1 in $(set_version "$dir")" >&2; exit 1; }
oci=$(layout "$dir" "$1")

# HEX REPOSITORY NAME: the layout names the image as podman should (podman 5 takes that name;
# older ones name it after the directory, which is replaced)
while read -r hex repository name; do
    if podman image exists "$repository@sha256:$hex"; then
        continue
    fi
    mkdir -p "$state"
    if ! grep -qxF "$hex $repository $name" "$state/loaded" 2> /dev/null; then
        echo "$hex $repository $name" >> "$state/loaded"
        sync
    fi
    id=$(podman pull --quiet "oci:$oci:$name")
    podman tag "$id" "$name"
    podman untag "$id" "localhost$oci:latest" 2> /dev/null || true
    if ! podman image exists "$repository@sha256:$hex"; then
        echo "moducop-app-load: $1: $name from $(set_version "$dir") is not sha256:$hex, the digest it is pinned to" >&2
        exit 1
    fi
    echo "moducop-app-load: $1: $name (sha256:$hex) loaded from $(set_version "$dir")"
done < "$list"
