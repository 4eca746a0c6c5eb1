#!/bin/sh
[=header]
#
# moducop-app-health APP SECONDS: waits up to SECONDS for every service of APP (the compose file
# of the set this boot runs) to have a running container, healthy where it has a health check.
# Exit 0 when it is; else one line saying what is not, exit 1. An unhealthy container ends the
# wait at once: podman reports unhealthy only after the health check's own retries.

set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

# shellcheck disable=SC1091 # moducop-apps installs it
. /usr/libexec/moducop-apps.sh
app=${1:-}
limit=${2:-}
case "$app" in
    '' | *[!a-z0-9-]*) echo "usage: moducop-app-health APP SECONDS" >&2; exit 2 ;;
esac
case "$limit" in
    '' | *[!0-9]*) echo "usage: moducop-app-health APP SECONDS" >&2; exit 2 ;;
esac
services=$(podman-compose --project-name "$app" --file "$(set_dir)/$app/compose.yaml" config --services | grep -c . || true)
waited=0
while :; do
    states=$(podman ps --all --filter "label=io.podman.compose.project=$app" --format '{{.Names}} {{.Status}}')
    up=$(printf '%s\n' "$states" | grep -c ' Up ' || true)
    starting=$(printf '%s\n' "$states" | grep -c '(starting)' || true)
    unhealthy=$(printf '%s\n' "$states" | grep -c '(unhealthy)' || true)
    if [ "$services" -gt 0 ] && [ "$up" -eq "$services" ] && [ "$starting" -eq 0 ] && [ "$unhealthy" -eq 0 ]; then
        exit 0
    fi
    if [ "$unhealthy" -gt 0 ] || [ "$waited" -ge "$limit" ]; then
        echo "application $app: $up of $services services up after $waited s: $(printf '%s' "$states" | tr '\n' ';')"
        exit 1
    fi
    sleep 2
    waited=$((waited + 2))
done
