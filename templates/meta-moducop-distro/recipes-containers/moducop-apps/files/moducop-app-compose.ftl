#!/bin/sh
[=header]
#
# moducop-app-compose APP ARGS...: podman-compose for APP's compose project, with the compose
# file of the set this boot runs (moducop-apps.sh).

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
case "${1:-}" in
    '' | *[!a-z0-9-]*) echo "usage: moducop-app-compose APP ARGS..." >&2; exit 2 ;;
esac
app=$1
shift
exec podman-compose --project-name "$app" --file "$(set_dir)/$app/compose.yaml" "$@"
