[=header]
#
# A/B slot selection with boot counting, using the variables of RAUC's U-Boot bootchooser:
# BOOT_ORDER lists the slots by preference, BOOT_<slot>_LEFT the tries a slot has left. Each boot
# takes one try from the first slot in BOOT_ORDER that has one; the booted system marks its slot
# good, which re-arms the counter. When no slot has a try left, both are re-armed and the board
# resets, so a device with two broken slots keeps retrying instead of stopping in U-Boot.
# Counting down needs no setexpr, which not every board's U-Boot has: tries are 1 to 9. The
# kernel reboots 5 s after a panic (panic=5), so a slot whose kernel panics uses up its tries too.

[#if machine.base.deviceTree.source == "firmware"]
# ${[=machine.base.deviceTree.address]} is where the firmware put the device tree on this boot. saveenv would
# freeze it in the environment, and U-Boot keeps a saved value over the firmware's next one:
# keep it out of what is saved.
setenv moducop_saveenv 'setenv moducop_fdt ${[=machine.base.deviceTree.address]}; setenv [=machine.base.deviceTree.address]; saveenv; setenv [=machine.base.deviceTree.address] ${moducop_fdt}'

[/#if]
test -n "${BOOT_ORDER}" || setenv BOOT_ORDER "A B"
test -n "${BOOT_A_LEFT}" || setenv BOOT_A_LEFT [=distro.bootAttempts]
test -n "${BOOT_B_LEFT}" || setenv BOOT_B_LEFT [=distro.bootAttempts]

setenv moducop_slot
for BOOT_SLOT in "${BOOT_ORDER}"; do
    if test "x${moducop_slot}" != "x"; then
        # a slot was chosen already
    elif test "x${BOOT_SLOT}" = "xA"; then
        if test ${BOOT_A_LEFT} -gt 0; then
[#list 9..1 as n]
            [#if n == 9]if[#else]elif[/#if] test "${BOOT_A_LEFT}" = "[=n]"; then setenv BOOT_A_LEFT [=n - 1]
[/#list]
            else setenv BOOT_A_LEFT 0
            fi
            setenv moducop_slot A
            setenv moducop_part [=machine.slotA.number]
            setenv moducop_root [=machine.device(machine.slotA)]
        fi
    elif test "x${BOOT_SLOT}" = "xB"; then
        if test ${BOOT_B_LEFT} -gt 0; then
[#list 9..1 as n]
            [#if n == 9]if[#else]elif[/#if] test "${BOOT_B_LEFT}" = "[=n]"; then setenv BOOT_B_LEFT [=n - 1]
[/#list]
            else setenv BOOT_B_LEFT 0
            fi
            setenv moducop_slot B
            setenv moducop_part [=machine.slotB.number]
            setenv moducop_root [=machine.device(machine.slotB)]
        fi
    fi
done

if test "x${moducop_slot}" = "x"; then
    echo "ModuCop: no slot has a boot attempt left, re-arming A and B"
    setenv BOOT_A_LEFT [=distro.bootAttempts]
    setenv BOOT_B_LEFT [=distro.bootAttempts]
[#if machine.base.deviceTree.source == "firmware"]
    run moducop_saveenv
[#else]
    saveenv
[/#if]
    reset
fi

[#if machine.base.deviceTree.source == "firmware"]
run moducop_saveenv
[#else]
saveenv
[/#if]
echo "ModuCop: booting slot ${moducop_slot} (tries left: A=${BOOT_A_LEFT} B=${BOOT_B_LEFT})"

[#if machine.base.deviceTree.firmwareBootargs]
# The firmware's kernel arguments (serial console set-up, memory, display) come first.
setenv moducop_firmware_args
fdt addr ${[=machine.base.deviceTree.address]} && fdt get value moducop_firmware_args /chosen bootargs
[/#if]
setenv bootargs "[#if machine.base.deviceTree.firmwareBootargs]${moducop_firmware_args} [/#if]console=[=machine.base.console] root=${moducop_root} rootfstype=ext4 ro rootwait panic=5 init=/sbin/moducop-init moducop.data=[=machine.device(machine.data)] rauc.slot=${moducop_slot}"
[#assign disk = machine.base.uboot.interfaceName + " " + machine.base.uboot.device + ":${moducop_part}"]
[#assign fdt = "${" + machine.base.deviceTree.address + "}"]
[#if machine.base.deviceTree.fromFile()]
[#if machine.base.deviceTree.file??]
[#assign dtb = "/boot/" + machine.base.deviceTree.file]
[#else]
[#assign dtb = "/boot/$" + "{fdtfile}"]
# U-Boot's board code names the device tree of the board it runs on (findfdt).
[/#if]
# The device tree comes from the slot like the kernel: a slot without it (a board variant this
# image has no device tree for) fails like a slot without a kernel, and the try is used up.
if load [=disk] ${kernel_addr_r} /boot/[=machine.base.kernel.image] && load [=disk] [=fdt] [=dtb]; then
[#else]
if load [=disk] ${kernel_addr_r} /boot/[=machine.base.kernel.image]; then
[/#if]
    if test -e [=disk] /boot/initramfs; then
        load [=disk] ${ramdisk_addr_r} /boot/initramfs
        [=machine.base.kernel.bootCommand] ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} [=fdt]
    else
        [=machine.base.kernel.bootCommand] ${kernel_addr_r} - [=fdt]
    fi
fi

echo "ModuCop: slot ${moducop_slot} did not boot, resetting"
reset
