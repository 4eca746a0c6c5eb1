# boot-test --system, app-power-cut scenario, first boot, before its calibration install: an app
# bundle made for an OS that runs other applications, and one installed before the slot is marked good
# (app-update.sh's app_update and probe come before it)
i=0
while [ ! -e /run/moducop/slot-good ] && [ "$i" -lt 600 ]; do
    sleep 1
    i=$((i + 1))
done
repo=$(ls -la /data/moducop/app-repo | sha256sum)
rauc install /run/boottest/older-os.raucb > /run/boottest/older-os.log 2>&1
# the handler's refusal reaches rauc's journal; the client says "Pre-install handler error"
echo "older OS: rauc install exit $?: $({ cat /run/boottest/older-os.log; journalctl -b -u rauc --no-pager -o cat; } | grep -o 'app bundle refused.*' | tail -n 1)"
if [ "$(ls -la /data/moducop/app-repo | sha256sum)" = "$repo" ]; then same="repository unchanged"; else same="repository changed"; fi
echo "older OS: runs $(moducop-app status | sed -n '1s/.*: runs //p'); $same"
# the health gate's mark moved away: as on the first boot after an OS update, before the gate passed
mv /run/moducop/slot-good /run/moducop/slot-good.boottest
app_update "not marked good" /run/boottest/pc-3.raucb pc-3
mv /run/moducop/slot-good.boottest /run/moducop/slot-good
echo "not marked good: runs $(moducop-app status | sed -n '1s/.*: runs //p'); page $(probe 8080 | grep -o 'hello from [a-z0-9 ]*[a-z0-9]' | head -n 1)"
