package io.moducop.cli;

import io.moducop.UserError;
import io.moducop.boottest.ScenarioRunner;
import io.moducop.boottest.HostAssets;
import io.moducop.boottest.ScenarioResult;
import io.moducop.machine.MachineConfigs;
import io.moducop.profile.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "boot-test", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Run the generated boot.scr on real U-Boot and the generated overlay init on a real arm64 kernel,",
                "under QEMU, on a disk with the profile's partition layout: A/B choice, fallback, recovery,",
                "mark-good, overlays, and a blank, missing or foreign data partition."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every scenario passed", "1:a scenario failed", "2:bad profile or option",
                "3:a host package is missing (the message names it)"})
final class BootTestCommand implements Callable<Integer> {

    private static final String QEMU_BOARD = "qemuarm64";

    @Mixin
    ProfileArgs profiles;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Downloaded kernel, initramfs and root file system, reused between runs (default: ~/.cache/moducop/boot-test).")
    Path cache;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "build/boot-test",
            description = "Disk images, environment flash and console logs of each scenario (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "Scenarios to run (default: all): first-boot, fallback, exhausted, mark-good, overlays, data-missing, data-foreign, update, update-rollback.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = {"-j", "--jobs"}, defaultValue = "2", description = "QEMU machines run at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Profile> loaded = profiles.load();
        if (loaded.size() != 1) {
            throw UserError.of("boot-test", "boot-test takes one profile, got " + loaded.size(), "run it once per profile");
        }
        for (String s : scenarios) {
            if (!ScenarioRunner.SCENARIOS.contains(s)) {
                throw UserError.of("--scenario", "unknown scenario '" + s + "'", io.moducop.profile.DidYouMean.hint(s, ScenarioRunner.SCENARIOS));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Profile profile = loaded.get(0);
        if (!QEMU_BOARD.equals(profile.base().id())) {
            out.printf("%s is for %s: boot-test runs its generated boot logic with the QEMU arm64 board's devices"
                    + " (virtio disk, ttyAMA0, environment in flash); %s's own device names, firmware and kernel are not exercised.%n",
                    profile.source(), profile.base().name(), profile.base().name());
            profile = profile.withBase(MachineConfigs.load(QEMU_BOARD));
        }
        String machine = profile.board().name();
        ScenarioRunner.BootFlow flow = ScenarioRunner.BootFlow.of(profile);

        Path cacheDir = cache != null ? cache : Path.of(System.getProperty("user.home"), ".cache", "moducop", "boot-test");
        long t0 = System.nanoTime();
        HostAssets assets = HostAssets.prepare(cacheDir);
        out.printf("assets: %s (QEMU %s)%n", cacheDir, assets.tools().getOrDefault("qemu-version", Path.of("?")));
        List<String> ids = scenarios.isEmpty() ? ScenarioRunner.SCENARIOS : scenarios;
        List<ScenarioResult> results = new ScenarioRunner(assets, flow, work.resolve(machine)).run(ids, jobs);
        int failed = 0;
        for (ScenarioResult r : results) {
            out.printf(Locale.ROOT, "%s %-13s %5.1f s, %d boot%s  %s%n", r.passed() ? "PASS" : "FAIL", r.id(), r.seconds(),
                    r.boots(), r.boots() == 1 ? " " : "s", r.title());
            r.failures().forEach(f -> out.println("       FAILED: " + f));
            r.evidence().forEach(e -> out.println("       " + e));
            failed += r.passed() ? 0 : 1;
        }
        out.printf(Locale.ROOT, "boot-test: %d passed, %d failed (%.1f s wall clock; console logs in %s)%n",
                results.size() - failed, failed, (System.nanoTime() - t0) / 1e9, work.resolve(machine));
        return failed == 0 ? 0 : 1;
    }
}
