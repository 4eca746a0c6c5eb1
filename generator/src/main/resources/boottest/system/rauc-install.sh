# boot-test --system, rauc-install scenario, in slot A: a bundle from another CA, then the real one
echo "variant before: $(cat /etc/moducop-boottest-variant)"
echo "configured under slot A" > /etc/boottest-configured-under-A
sync
rauc install /run/boottest/other-ca.raucb > /run/boottest/other-ca.log 2>&1
echo "other-CA bundle: rauc install exit $?: $(grep -iE 'error|fail|signature' /run/boottest/other-ca.log | tail -n 1)"
echo "env after refused bundle: $(fw_printenv BOOT_ORDER BOOT_B_LEFT 2>&1 | tr '\n' ' ')"
start=$(cut -d' ' -f1 /proc/uptime)
rauc install /run/boottest/update.raucb > /run/boottest/update.log 2>&1
rc=$?
echo "update bundle: rauc install exit $rc after $(awk -v s="$start" '{ printf "%.0f", $1 - s }' /proc/uptime) s: $(tail -n 1 /run/boottest/update.log)"
echo "env after install: $(fw_printenv BOOT_ORDER BOOT_B_LEFT 2>&1 | tr '\n' ' ')"
sync
