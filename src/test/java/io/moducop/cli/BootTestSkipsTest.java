package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import io.moducop.profile.ProfileLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What boot-test says it skips for a board without a QEMU machine, from the board's own data (no QEMU run). */
class BootTestSkipsTest {

    @Test
    void aBoardWithoutAQemuMachineIsToldItemByItemWhatIsNotExercised() {
        MachineConfig imx = ProfileLoader.load(Path.of("examples/imx8mp-evk/imx8mp-evk.yaml")).base();
        assertNull(imx.qemuMachine());
        assertEquals("skipped (examples/imx8mp-evk/boards/imx8mp-evk.yaml names no qemu-machine): NXP i.MX 8M Plus EVK's own"
                + " U-Boot (mmc 1, environment /dev/mmcblk1 at 0x700000), its boot images (imx-boot.tagged at 32K),"
                + " its kernel Image (linux-fslc-imx) with its device tree, its console ttymxc1,115200,"
                + " its partition names (/dev/mmcblk1pN)", BootTestCommand.skipped(imx));
    }

    @Test
    void theBuiltInBoardsNameTheirQemuMachines() {
        assertEquals(MachineConfig.QemuMachine.VIRT, MachineConfigs.load("qemuarm64").qemuMachine());
        assertEquals(MachineConfig.QemuMachine.RASPI4B, MachineConfigs.load("raspberrypi4-64").qemuMachine());
        assertNull(MachineConfigs.load("beaglebone-yocto").qemuMachine());
    }
}
