#!/bin/sh
[=header]
#
# moducop-app-prune SLOT: run once SLOT is marked good (by the health gate, or with an app
# bundle's applications by moducop-app-update). Records the images the set SLOT runs uses
# (/data/moducop/apps/SLOT.images) and removes the images moducop-app-load loaded that neither
# slot's record lists, and the app bundles' sets that neither slot has marked good. The other
# slot's record is what it used when it was last marked good, so a rollback to it finds its
# images still here; an image that moducop-app-load did not load is never touched.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
state=$MODUCOP_STATE
case "${1:-}" in
    A | B) slot=$1 ;;
    *) echo "usage: moducop-app-prune A|B" >&2; exit 2 ;;
esac
mkdir -p "$state"

# HEX REPOSITORY NAME, as in the applications' image lists
cat "$(set_dir)"/*/images | sort -u > "$state/.$slot.images.new"
sync
mv "$state/.$slot.images.new" "$state/$slot.images"
sync

keep=" $(set_id "$state/good-A") $(set_id "$state/good-B") $(set_id "$MODUCOP_TRIAL") "
for dir in "$state"/.set-*; do
    [ -e "$dir" ] || continue
    case "$keep" in
        *" ${dir##*/.set-} "*) ;;
        *) rm -rf "$dir" && echo "moducop-app-prune: removed app set ${dir##*/.set-}: no slot runs it" ;;
    esac
done

[ -f "$state/loaded" ] || exit 0
used() { # used HEX: listed by either slot's record
    cat "$state"/A.images "$state"/B.images 2> /dev/null | awk -v h="$1" '$1 == h { found = 1 } END { exit !found }'
}
: > "$state/.loaded.new"
while read -r hex repository name; do
    if used "$hex"; then
        echo "$hex $repository $name" >> "$state/.loaded.new"
    elif ! podman image exists "$repository@sha256:$hex"; then
        continue
    elif podman rmi "$repository@sha256:$hex" > /dev/null && ! podman image exists "$repository@sha256:$hex"; then
        echo "moducop-app-prune: removed $name (sha256:$hex): neither slot uses it"
    else
        echo "moducop-app-prune: kept $name (sha256:$hex): still in use" >&2
        echo "$hex $repository $name" >> "$state/.loaded.new"
    fi
done < "$state/loaded"
sync
mv "$state/.loaded.new" "$state/loaded"
sync
