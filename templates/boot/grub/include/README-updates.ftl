EFI system partition and updates
--------------------------------
The EFI system partition is not A/B: RAUC writes root slots only, and GRUB's EFI binary and
grub.cfg there stay as they were flashed; grubenv holds the boot counters, which grub.cfg and
RAUC (grub-editenv) write. An update must work with the grub.cfg of the devices in the field.
Changing it is a separate step, and not an atomic one: copy the new moducop-grub.cfg (from
tmp/deploy/images/${MACHINE}/) to /efi/EFI/BOOT/grub.cfg on the device, leaving grubenv alone, run
sync, then reboot. A power cut during the copy can leave the machine unbootable until the disk is
written again. Secure Boot keys and the firmware's own boot order are the machine's firmware's.
