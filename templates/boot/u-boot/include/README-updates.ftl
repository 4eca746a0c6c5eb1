Boot partition and updates
--------------------------
The boot partition is not A/B: RAUC writes root slots only, and what the boot partition holds
(boot.scr and the board's boot files, IMAGE_BOOT_FILES) stays as it was flashed.
[#list layers.machines?filter(m -> m.base.bootLoader.id() == "u-boot" && m.base.deviceTree.source == "firmware" && !m.base.runqemu??) as m]
On [=m.name] the board's firmware loads the device tree from the boot partition: the kernel of
an updated slot boots with the device tree flashed with the board.
[/#list]
An update must work with the boot files of the devices in the field. Changing them is a
separate step, and not an atomic one: copy the new files (from tmp/deploy/images/${MACHINE}/)
to /uboot on the device, leaving uboot.env (the boot counters) alone, run sync, then reboot. A
power cut during the copy can leave the board unbootable until the card is flashed again.
