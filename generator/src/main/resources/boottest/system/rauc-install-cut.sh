# boot-test --system, power-cut scenario, in slot A: configure /etc, then rauc install while the plug may be pulled
echo "configured under slot A" > /etc/boottest-configured-under-A
sync
echo "BOOTTEST-PHASE: rauc install begins" > /dev/console
rauc install /run/boottest/update.raucb > /run/boottest/update.log 2>&1
echo "BOOTTEST-PHASE: rauc install ended, exit $?" > /dev/console
sync
