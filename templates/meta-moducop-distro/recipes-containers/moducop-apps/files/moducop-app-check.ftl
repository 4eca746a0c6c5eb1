#!/bin/sh
[=header]
#
# moducop-app-check APP: after podman-compose up, every service of APP has its container.
# podman-compose up --detach exits 0 when a container could not be created (its image missing,
# say): without this check the unit would be active with nothing running, and never restarted.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

case "${1:-}" in
    '' | *[!a-z0-9-]*) echo "usage: moducop-app-check APP" >&2; exit 2 ;;
esac
# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
compose=$(set_dir)/$1/compose.yaml

missing=
for service in $(podman-compose --project-name "$1" --file "$compose" config --services); do
    if [ -z "$(podman ps --all --quiet --filter "label=io.podman.compose.project=$1" \
        --filter "label=com.docker.compose.service=$service")" ]; then
        missing="$missing $service"
    fi
done
if [ -n "$missing" ]; then
    echo "moducop-app-check: $1: no container for service(s)$missing" >&2
    exit 1
fi
