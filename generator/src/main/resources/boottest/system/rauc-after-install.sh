# boot-test --system, rauc-install scenario, after the reboot
echo "variant now: $(cat /etc/moducop-boottest-variant)"
echo "configuration from A: $(cat /etc/boottest-configured-under-A 2>&1)"
echo "rauc booted slot: $(rauc status --output-format=shell 2>&1 | sed -n 's/^RAUC_SYSTEM_BOOTED_BOOTNAME=//p')"
echo "moducop-health.service: $(systemctl show -p ActiveState,Result,ExecMainStatus --value moducop-health.service | tr '\n' ' ')"
echo "fw_printenv: $(fw_printenv BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT 2>&1 | tr '\n' ' ')"
