package io.moducop.boottest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.HostTools;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * boot-test of the Raspberry Pi 4 profile on the Pi's own U-Boot (QEMU raspi4b, Debian's
 * u-boot-rpi). A boot that reaches Linux costs about 1-2 minutes here (U-Boot reads the 33 MB
 * kernel from the emulated SD card at under 1 MB/s; the first boot formats the data partition), so
 * this runs first-boot only, plus a failing fallback whose boots never load a kernel.
 */
@Tag("qemu")
class RaspiBootTestTest {

    static final String PROFILE = "profiles/raspberrypi4-64.yaml";
    static Path cache;

    @TempDir
    Path work;

    @BeforeAll
    static void hostTools() {
        HostTools.require("qemu-system-aarch64", "qemu-system-arm (from bookworm-backports)");
        HostTools.require("mkimage", "u-boot-tools");
        HostTools.require("fdtput", "device-tree-compiler");
        cache = Path.of(System.getenv().getOrDefault("MODUCOP_BOOT_TEST_CACHE",
                System.getProperty("user.home") + "/.cache/moducop/boot-test"));
    }

    @Test
    void thePiProfileBootsOnThePisOwnUBoot() {
        Cli r = Cli.run("boot-test", "--cache", cache.toString(), "--work", work.toString(), "-j", "1",
                "--scenario", "first-boot", PROFILE);
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith(PROFILE + " is for Raspberry Pi 4 (64 bit): boot-test runs it on QEMU's raspi4b machine"
                + " with the Pi's own U-Boot"), r.out());
        assertTrue(r.out().contains("the Pi's U-Boot found boot.scr on the SD card's FAT partition: Found U-Boot script /boot.scr"), r.out());
        assertTrue(r.out().contains("saveenv wrote uboot.env to the FAT boot partition"), r.out());
        assertTrue(r.out().contains("kernel got root=/dev/mmcblk0p2 and rauc.slot=A"), r.out());
        assertTrue(r.out().contains("cmdline " + Raspi4bBoard.FIRMWARE_BOOTARGS + " console=ttyS0,115200 root=/dev/mmcblk0p2"), r.out());
        assertTrue(r.out().contains("U-Boot env BOOT_A_LEFT=2"), r.out());
    }

    /** The harness can fail on raspi4b: a script whose countdown for slot A is gone must fail fallback. */
    @Test
    void aBootScriptWithoutItsCountdownFailsFallbackOnThePisUBoot() throws IOException, InterruptedException {
        BootFlow good = BootFlow.of(ProfileLoader.load(Path.of(PROFILE)));
        String broken = good.bootCmd().replaceAll("(?s)            if test \"\\$\\{BOOT_A_LEFT\\}\" = \"9\".*?\n            fi\n", "");
        assertFalse(broken.equals(good.bootCmd()), "the mutation must change the script");
        assertFalse(broken.contains("setenv BOOT_A_LEFT 2"), broken);
        BootFlow flow = new BootFlow(broken, good.overlayInit(), good.attempts(), good.board(), good.layout(), good.overlays());
        List<ScenarioResult> results = new BootFlowScenarios(Board.raspi4b(HostAssets.prepareRaspi(cache)), flow, work).run(List.of("fallback"), 1);
        ScenarioResult r = results.get(0);
        assertFalse(r.passed(), "a script that never counts slot A down must not pass: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("U-Boot env BOOT_A_LEFT=2 (saw: BOOT_A_LEFT=3)")), r.failures().toString());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("boot script chose slot B")), r.failures().toString());
    }
}
