[=header]
#
# A/B slot selection with boot counting, in the variables of RAUC's GRUB backend, kept in grubenv
# next to this file: ORDER lists the slots by preference, <slot>_OK is 0 for a slot RAUC marked
# bad, <slot>_TRY counts the tries a slot has used since it was last marked good. Each boot takes
# one try from the first slot in ORDER that is OK and has used fewer than [=distro.bootAttempts]; the booted
# system marks its slot good (rauc status mark-good: <slot>_OK=1 <slot>_TRY=0). When no slot has a
# try left, both get their tries back and the machine resets, so a device with two broken slots
# keeps retrying instead of stopping in GRUB. The kernel reboots 5 s after a panic (panic=5), so a
# slot whose kernel panics uses up its tries too. RAUC counts a slot with a try in use as not
# good: during a trial boot `rauc status` names the other slot primary.

# The EFI system partition GRUB was started from ($cmdpath is "(hdN,gptM)/EFI/BOOT"): grub-efi's
# built-in search takes the first disk holding /EFI/BOOT/grub.cfg, which is not always the one the
# firmware booted (a second disk with a copy of this image would lend us its grubenv and slots).
set moducop_esp=
regexp --set=1:moducop_esp '^\(([^)]+)\)' "$cmdpath"
if [ -n "$moducop_esp" ]; then
    set root=$moducop_esp
    set prefix=($root)/EFI/BOOT
fi

set ORDER="A B"
set A_OK=1
set A_TRY=0
set B_OK=1
set B_TRY=0
# Only these variables: nothing else in grubenv can change how this file boots.
load_env ORDER A_OK A_TRY B_OK B_TRY
if [ "$ORDER" != "A B" -a "$ORDER" != "B A" ]; then
    set ORDER="A B"
fi

set moducop_slot=
for slot in $ORDER; do
[#list ["A", "B"] as s]
    [#if s?is_first]if[#else]elif[/#if] [ -z "$moducop_slot" -a "$slot" = "[=s]" -a "$[=s]_OK" = "1" ]; then
[#list 0..<distro.bootAttempts as n]
        [#if n == 0]if[#else]elif[/#if] [ "$[=s]_TRY" = "[=n]" ]; then set [=s]_TRY=[=n + 1]; set moducop_slot=[=s]
[/#list]
        fi
[/#list]
    fi
done

if [ -z "$moducop_slot" ]; then
    echo "ModuCop: no slot has a boot attempt left, re-arming A and B"
    set A_TRY=0
    set B_TRY=0
    # RAUC marked both bad: try both again, as the U-Boot flow does with an empty BOOT_ORDER.
    if [ "$A_OK" != "1" -a "$B_OK" != "1" ]; then
        set A_OK=1
        set B_OK=1
    fi
    save_env ORDER A_OK A_TRY B_OK B_TRY
    reboot
fi

# save_env rewrites an existing grubenv in place and cannot create one: without it nothing is
# counted and every boot takes the same slot.
if ! save_env ORDER A_OK A_TRY B_OK B_TRY; then
    echo "ModuCop: cannot write $prefix/grubenv, boot counting is off"
fi
echo "ModuCop: booting slot $moducop_slot (tries used: A=$A_TRY B=$B_TRY of [=distro.bootAttempts])"

# The root slots are partitions [=machine.slotA.number] and [=machine.slotB.number] of the disk of the EFI system partition ($root).
regexp --set=1:moducop_disk '^([^,]+),' "$root"
if [ "$moducop_slot" = "A" ]; then
    set moducop_part="($moducop_disk,[=machine.slotA.number])"
    set moducop_root=[=machine.device(machine.slotA)]
else
    set moducop_part="($moducop_disk,[=machine.slotB.number])"
    set moducop_root=[=machine.device(machine.slotB)]
fi
if linux $moducop_part/boot/[=machine.base.kernel.image] console=[=machine.base.console] root=$moducop_root rootfstype=ext4 ro rootwait panic=5 init=/sbin/moducop-init moducop.data=[=machine.device(machine.data)] rauc.slot=$moducop_slot; then
    if [ -f $moducop_part/boot/initramfs ]; then
        initrd $moducop_part/boot/initramfs
    fi
    boot
fi

echo "ModuCop: slot $moducop_slot did not boot, resetting"
reboot
