#!/bin/sh
[=header]
#
# The slot's health gate. Runs once the boot has settled; marks the booted slot good only when
# the system is as ModuCop expects it: the data partition mounted (not the tmpfs fallback), every
# overlay in place, and none of the units in JUDGED failed. Otherwise it says why and reboots,
# which uses up one of the slot's tries, so a slot that never becomes healthy falls back to the
# other one. JUDGED is what the device needs the slot for: the units the image enables for its job
# and the core services they run on. Any other failed unit is reported and not judged; above all
# the network's (no cable, no DHCP server: systemd-networkd-wait-online fails) are the device's
# surroundings, not the slot's health, and must never roll a good slot back.
[#if distro.apps?has_content]
# Every application must be up too: each of its containers running, and healthy where it has a
# health check, within its health-timeout. Once the slot is marked good, the images neither slot
# uses are pruned.
[/#if]

PERSISTENT="[#list distro.overlays.persistent as d][=d][#sep] [/#list]"
VOLATILE="[#list distro.overlays.volatileDirs as d][=d][#sep] [/#list]"
SETTLE_SECONDS=300
JUDGED="systemd-journald.service dbus.service[#list judgedUnits as u] [=u][/#list]"
[#if distro.apps?has_content]
# APP:SECONDS, each application's health-timeout
APPS="[#list distro.apps as a][=a.name]:[=a.healthTimeout?c][#sep] [/#list]"
[/#if]

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

problems=
problem() {
    echo "moducop-health: $*"
    problems="$problems
$*"
}

slot=
read -r cmdline < /proc/cmdline
set -f
for arg in $cmdline; do
    case "$arg" in
        rauc.slot=*) slot=${arg#rauc.slot=} ;;
    esac
done
set +f
case "$slot" in
    A | B) ;;
    *)
        echo "moducop-health: not booted by the ModuCop boot script (no rauc.slot=A|B): nothing to mark"
        exit 0
        ;;
esac

# Wait until no other start-up job is running (jobs ordered after this unit wait for it; they
# must not be waited for).
running_jobs() {
    systemctl list-jobs --no-legend | awk '$2 != "moducop-health.service" && $4 == "running"' | grep -c .
}
waited=0
while [ "$(running_jobs)" -gt 0 ]; do
    if [ "$waited" -ge "$SETTLE_SECONDS" ]; then
        problem "start-up jobs still running after $SETTLE_SECONDS s: $(systemctl list-jobs --no-legend | tr '\n' ';')"
        break
    fi
    sleep 1
    waited=$((waited + 1))
done

mounted() { # mounted DIR FSTYPE
    awk -v d="$1" -v t="$2" '$2 == d && $3 == t { found = 1 } END { exit !found }' /proc/mounts
}

if [ -e /run/moducop/data-fallback ]; then
    problem "data partition not in use: $(cat /run/moducop/data-fallback)"
elif ! mounted /data ext4; then
    problem "/data is not the ext4 data partition"
fi
for dir in $PERSISTENT $VOLATILE; do
    mounted "$dir" overlay || problem "$dir is not an overlay"
done
judged=
other=
for unit in $(systemctl list-units --state=failed --no-legend --plain | awk '{ print $1 }'); do
    case " $JUDGED " in
        *" $unit "*) judged="$judged $unit" ;;
        *) other="$other $unit" ;;
    esac
done
[ -z "$judged" ] || problem "failed units:$judged"
[ -z "$other" ] || echo "moducop-health: failed, not judged (the slot's health does not depend on them):$other"
[#if distro.apps?has_content]

# the applications of the set this boot runs (the slot's own, or an app bundle's marked good with it)
for entry in $APPS; do
    state=$(/usr/libexec/moducop-app-health "${entry%%:*}" "${entry#*:}") || problem "$state"
done
[/#if]

if [ -n "$problems" ]; then
    echo "moducop-health: slot $slot is not healthy; rebooting to use up this try" > /dev/console
    systemctl reboot
    exit 1
fi

[#if distro.rauc]
rauc status mark-good || exit 1
[#else]
fw_setenv "BOOT_${slot}_LEFT" [=distro.bootAttempts] || exit 1
[/#if]
echo "moducop-health: slot $slot is healthy and marked good"
[#if distro.apps?has_content && distro.rauc]
# app bundles are tried only on a slot marked good (moducop-app-update)
mkdir -p /run/moducop && touch /run/moducop/slot-good
[/#if]
[#if distro.apps?has_content]
# only now: a slot that never becomes healthy must not cost the other slot its images
/usr/libexec/moducop-app-prune "$slot" \
    || echo "moducop-health: moducop-app-prune failed; unused images stay on /data until the next mark-good"
[/#if]
