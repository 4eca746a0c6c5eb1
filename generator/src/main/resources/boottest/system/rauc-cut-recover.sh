# boot-test --system, power-cut scenario, the boot after a cut during rauc install
echo "variant: $(cat /etc/moducop-boottest-variant)"
echo "etc: $(cat /etc/boottest-configured-under-A 2>&1)"
echo "fw_printenv: $(fw_printenv BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT 2>&1 | tr '\n' ' ')"
