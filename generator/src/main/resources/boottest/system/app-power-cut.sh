# boot-test --system, app-power-cut scenario, in slot A: says which set of applications this boot
# runs and in what state, then installs the other app bundle (pc-2 or pc-3) and waits for its
# trial; each phase opens with a BOOTTEST-PHASE line on the console, where the host may pull the
# plug. /run/boottest/check-only: report and stop (the boot after the last cut).
. /usr/libexec/moducop-apps.sh
state=/data/moducop/apps
phase() { echo "BOOTTEST-PHASE: $*" > /dev/console; }
i=0
while [ ! -e /run/moducop/slot-good ] && [ "$i" -lt 600 ]; do
    sleep 1
    i=$((i + 1))
done
dir=$(set_dir)
good=$(set_id "$state/good-A")
if [ "$dir" = "$MODUCOP_SHIPPED" ]; then
    marked="the slot's own"
elif [ "$dir" = "$state/.set-$good" ]; then
    marked="marked good with A"
else
    marked="NOT MARKED GOOD"
fi
if [ -n "$(set_id "$MODUCOP_TRIAL")" ]; then trial=yes; else trial=no; fi
page=$(probe 8080 | grep -o 'hello from [a-z0-9 ]*[a-z0-9]' | head -n 1)
volume=$(podman volume inspect web_state --format '{{.Mountpoint}}')
[ -f "$volume/marker" ] || { echo "written before the cuts" > "$volume/marker" && sync; }
containers=$(podman ps -a --format '{{.Names}} {{.Status}}' | sort | sed 's/ About a minute/ 1 minute/' | tr '\n' ';')
phase "check: $(if [ -e /run/moducop/slot-good ]; then echo "slot good"; else echo "slot NOT GOOD"; fi);" \
    "runs $(set_version "$dir") ($marked); on trial $trial; page $page; volume $(cat "$volume/marker" 2>&1); containers $containers"
[ ! -e /run/boottest/check-only ] || exit 0
case "$page" in
    *"version 2"*) next=pc-3 ;;
    *) next=pc-2 ;;
esac
phase "install $next"
rauc install "/run/boottest/$next.raucb" > /run/install.log 2>&1
phase "installed $next: rauc install exit $?: $(tail -n 1 /run/install.log)"
i=0
seen=
while [ "$i" -lt 6000 ]; do
    last=$(head -n 1 "$state/last-update" 2> /dev/null)
    case "$last" in
        "app bundle $next: on trial on slot "*)
            [ -n "$seen" ] || phase "trial $next"
            seen=yes ;;
        "app bundle $next: "*) [ "$(systemctl show -P ActiveState moducop-app-update.service)" = activating ] || break ;;
    esac
    sleep 0.2
    i=$((i + 1))
done
phase "switched $next: $last"
sync
