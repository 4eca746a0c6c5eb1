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
 * boot-test for real: QEMU, Debian's U-Boot and an arm64 kernel. The downloaded assets are cached
 * in MODUCOP_BOOT_TEST_CACHE (default ~/.cache/moducop/boot-test).
 */
@Tag("qemu")
class BootTestTest {

    static Path cache;

    @TempDir
    Path work;

    @BeforeAll
    static void hostTools() {
        HostTools.require("qemu-system-aarch64", "qemu-system-arm (from bookworm-backports)");
        HostTools.require("mkimage", "u-boot-tools");
        cache = Path.of(System.getenv().getOrDefault("MODUCOP_BOOT_TEST_CACHE",
                System.getProperty("user.home") + "/.cache/moducop/boot-test"));
    }

    @Test
    void everyScenarioPassesForTheDefaultProfile() {
        Cli r = Cli.run("boot-test", "--cache", cache.toString(), "--work", work.toString());
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("boot-test: 9 passed, 0 failed"), r.out());
    }

    @Test
    void aRealBoardProfileIsTestedWithQemusDevicesAndSaysSo() {
        Cli r = Cli.run("boot-test", "--cache", cache.toString(), "--work", work.toString(),
                "--scenario", "first-boot", "profiles/beaglebone-yocto.yaml");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        // the BeagleBone has no QEMU machine; the Pi 4 runs on raspi4b (RaspiBootTestTest)
        assertTrue(r.out().startsWith("profiles/beaglebone-yocto.yaml is for BeagleBone Black: boot-test runs its generated"
                + " boot logic with the QEMU arm64 board's devices"), r.out());
        assertTrue(r.out().contains("(QEMU has no machine for it)"), r.out());
        assertTrue(r.out().contains("rauc.slot=A"), r.out());
    }

    /** The overlays checked are the profile's own: with fewer overlays, the scenario checks those and passes. */
    @Test
    void theOverlaysCheckedAreTheProfilesOwn() throws IOException {
        Path p = work.resolve("fewer-overlays.yaml");
        java.nio.file.Files.writeString(p, java.nio.file.Files.readString(Path.of("profiles/qemuarm64.yaml"))
                + "overlays: { persistent: [/etc], volatile: [/var/cache] }\n");
        Cli r = Cli.run("boot-test", "--cache", cache.toString(), "--work", work.resolve("w").toString(),
                "--scenario", "overlays", p.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("/etc is an overlay with its upper directory on the data partition"), r.out());
        assertFalse(r.out().contains("/root is an overlay"), "/root is no overlay in this profile: " + r.out());
        assertTrue(r.out().contains("a file written to /var/cache did not"), r.out());
    }

    /** The harness can fail: a boot script that never counts down must fail the fallback scenario. */
    @Test
    void aBootScriptThatNeverDecrementsFailsTheFallbackScenario() throws IOException, InterruptedException {
        BootFlow good = BootFlow.of(ProfileLoader.loadDefault());
        String broken = good.bootCmd().replaceAll("setenv BOOT_A_LEFT [0-8]\n", "setenv BOOT_A_LEFT \\${BOOT_A_LEFT}\n");
        assertFalse(broken.equals(good.bootCmd()), "the mutation must change the script");
        BootFlow flow = new BootFlow(broken, good.overlayInit(), good.attempts(), good.board(), good.layout(), good.overlays());
        List<ScenarioResult> results = new BootFlowScenarios(Board.virt(HostAssets.prepare(cache)), flow, work).run(List.of("fallback"), 1);
        ScenarioResult r = results.get(0);
        assertFalse(r.passed(), "a script that never decrements BOOT_A_LEFT must not pass: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("BOOT_A_LEFT=2")), r.failures().toString());
    }
}
