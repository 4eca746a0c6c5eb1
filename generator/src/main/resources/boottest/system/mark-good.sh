# boot-test --system, mark-good scenario: what the mark-good unit did
for unit in moducop-health.service; do
    if systemctl cat "$unit" > /dev/null 2>&1; then
        echo "$unit: $(systemctl show -p ActiveState,Result,ExecMainStatus --value "$unit" | tr '\n' ' ')"
        journalctl -b -u "$unit" --no-pager -o cat | tail -n 5 | sed "s/^/$unit log: /"
    fi
done
echo "fw_env.config: $(grep -v '^#' /etc/fw_env.config | tr -s ' \t' ' ')"
echo "fw_printenv: $(fw_printenv BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT 2>&1 | tr '\n' ' ')"
echo "rauc status: $(rauc status 2>&1 | grep -iE 'booted|boot status|mark' | tr -s ' \n' ' ')"
