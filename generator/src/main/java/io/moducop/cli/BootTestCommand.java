package io.moducop.cli;

import io.moducop.ExitCode;
import io.moducop.UserError;
import static io.moducop.Diagnostic.escape;
import io.moducop.bitbake.DiskSpace;
import io.moducop.boottest.Board;
import io.moducop.boottest.BootFlow;
import io.moducop.boottest.BootFlowScenarios;
import io.moducop.boottest.GeneratedFiles;
import io.moducop.boottest.HostAssets;
import io.moducop.boottest.Raspi4bBoard;
import io.moducop.boottest.ScenarioCatalog;
import io.moducop.boottest.ScenarioCatalog.SystemScenario;
import io.moducop.boottest.ScenarioResult;
import io.moducop.boottest.SystemScenarios;
import io.moducop.machine.MachineConfig;
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
        description = {"Boot-test the generated boot flow or system under QEMU.",
                "Run the generated boot.scr on real U-Boot and the generated overlay init on a real arm64 kernel,",
                "under QEMU, on a disk with the profile's partition layout: A/B choice, fallback, recovery,",
                "mark-good, overlays, and a blank, missing or foreign data partition."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every scenario passed", "1:a scenario failed", "2:bad profile or option",
                "3:a host package is missing (the message names it)", "5:not enough free disk space in the work directory (--system)"})
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

    @Option(names = "--scenario", paramLabel = "NAME", split = ",", completionCandidates = ScenarioCatalog.BootFlowNames.class,
            description = "Scenarios to run (default: all): ${COMPLETION-CANDIDATES}.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--system", completionCandidates = ScenarioCatalog.SystemNames.class,
            description = {"Boot a real arm64 Debian userland (systemd, podman, RAUC; built once with mmdebstrap, needs root)",
                    "with the generated files where the recipes install them.",
                    "Scenarios: ${COMPLETION-CANDIDATES}."})
    boolean system;

    @Option(names = "--seed", paramLabel = "N", description = "--system power-cut: the random seed (default: new, printed).")
    Long seed;

    @Option(names = "--cuts", paramLabel = "N", defaultValue = "30", description = "--system power-cut: power cuts made (default: ${DEFAULT-VALUE}).")
    int cuts;

    @Option(names = {"-j", "--jobs"}, defaultValue = "2", description = "QEMU machines run at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = {"-v", "--verbose"}, description = "Raspberry Pi 4: list the emulation device tree's changes.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Profile> loaded = profiles.load();
        if (loaded.size() != 1) {
            throw UserError.of("boot-test", "boot-test takes one profile, got " + loaded.size(), "run it once per profile");
        }
        boolean raspi = !system && loaded.size() == 1 && Raspi4bBoard.runsOn(loaded.get(0));
        List<String> known = system ? SystemScenarios.SCENARIOS : BootFlowScenarios.SCENARIOS;
        for (String s : scenarios) {
            if (!known.contains(s)) {
                throw UserError.of("--scenario", "unknown scenario '" + s + "'" + (system ? " for --system" : ""),
                        io.moducop.schema.DidYouMean.hint(s, known));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Profile profile = loaded.get(0);
        Profile asked = profile;
        if (raspi) {
            return raspi(out, profile);
        }
        if (profile.base().bootLoader() != MachineConfig.BootLoader.U_BOOT) {
            throw UserError.of(escape(profile.source()), "boot-test runs U-Boot boot flows only so far, and "
                    + profile.base().name() + " boots with " + profile.base().bootLoader().id(),
                    "check the generated grub.cfg with grub-script-check; its boot flow under OVMF is not in boot-test yet");
        }
        if (profile.base().qemuMachine() != MachineConfig.QemuMachine.VIRT) {
            boolean piMarkGood = system && Raspi4bBoard.runsOn(profile) && (scenarios.isEmpty() || scenarios.contains(SystemScenario.MARK_GOOD.id()));
            out.printf("%s is for %s: boot-test runs its generated %s with the QEMU arm64 board's devices"
                    + " (virtio disk, ttyAMA0, environment in flash)%s.%n",
                    escape(profile.source()), profile.base().name(), piMarkGood ? "system, but for mark-good," : "boot logic",
                    piMarkGood ? "" : "; " + profile.base().name() + "'s own device names, firmware and kernel are not exercised"
                            + " (QEMU has no machine for it)");
            if (!piMarkGood) {
                out.println(skipped(profile.base()));
            }
            profile = profile.withBase(MachineConfigs.load(QEMU_BOARD));
        }
        String machine = profile.board().name();

        Path cacheDir = HostAssets.cacheDir(cache);
        long t0 = System.nanoTime();
        List<String> ids = scenarios.isEmpty() ? known : scenarios;
        if (system && scenarios.isEmpty() && profile.apps().isEmpty()) {
            ids = ids.stream().filter(i -> SystemScenario.of(i).map(x -> x.only() == null).orElse(true)).toList();
        }
        List<ScenarioResult> results;
        Path workDir = work.resolve(system ? machine + "-system" : machine);
        if (system) {
            // each board may end with both root slots written in full (rauc install writes the whole image)
            int boards = Math.min(Math.max(1, jobs), ids.size());
            long perBoard = 2 * profile.layout().part("rootA").size();
            DiskSpace.require(workDir, boards * perBoard, String.format(Locale.ROOT,
                    "%d board%s at once need%s about %.1f GiB (both root slots of each written in full)", boards,
                    boards == 1 ? "" : "s", boards == 1 ? "s" : "", boards * perBoard / (double) DiskSpace.GIB),
                    "free space, use --work on a larger disk, or run fewer boards at once with -j");
            HostAssets assets = HostAssets.prepareSystem(cacheDir);
            out.printf("assets: %s (QEMU %s, arm64 Debian userland %s)%n", escape(cacheDir),
                    escape(assets.tools().getOrDefault("qemu-version", Path.of("?"))), escape(assets.systemRoot()));
            if (asked != profile) {
                out.printf("the guest's /etc/fstab is the one wic writes from %s's wks%n", asked.board().name());
            }
            List<String> onVirt = ids;
            List<ScenarioResult> onPi = List.of();
            if (Raspi4bBoard.runsOn(asked) && ids.contains(SystemScenario.MARK_GOOD.id())) {
                // the environment lives in uboot.env on the card: only the Pi's own U-Boot shows that
                onVirt = ids.stream().filter(i -> !i.equals(SystemScenario.MARK_GOOD.id())).toList();
                out.printf("mark-good runs on QEMU raspi4b with the Pi's own U-Boot and %s's own generated files%n", asked.board().name());
                // prepare-raspi.sh adds the Pi's tools to those of the userland prepared above: one set serves both
                assets = HostAssets.prepareRaspi(cacheDir);
                onPi = SystemScenarios.onRaspi(assets, asked, workDir.resolve("raspi4b"));
            }
            List<ScenarioResult> all = new java.util.ArrayList<>(onPi);
            if (!onVirt.isEmpty()) {
                all.addAll(new SystemScenarios(assets, GeneratedFiles.of(profile, asked), workDir)
                        .powerCuts(seed, cuts).run(onVirt, jobs));
            }
            results = all;
        } else {
            HostAssets assets = HostAssets.prepare(cacheDir);
            out.printf("assets: %s (QEMU %s)%n", escape(cacheDir), escape(assets.tools().getOrDefault("qemu-version", Path.of("?"))));
            results = new BootFlowScenarios(Board.virt(assets), BootFlow.of(profile), workDir).run(ids, jobs);
        }
        return report(out, results, t0, workDir);
    }

    /** What a run on QEMU's virt devices does not check of a board without a QEMU machine of its own, item by item. */
    static String skipped(MachineConfig b) {
        MachineConfig.UBootEnv env = b.ubootEnv();
        String images = b.rawArea().images().stream().map(i -> i.file() + " at " + i.wicOffset()).collect(java.util.stream.Collectors.joining(", "));
        return "skipped (" + b.id() + " names no qemu-machine): " + b.name() + "'s own U-Boot (" + b.uboot().interfaceName() + " "
                + b.uboot().device() + ", environment " + env.device() + " at " + env.offset() + (env.redundant() ? " and "
                + env.redundantDevice() + " at " + env.redundantOffset() : "") + ")"
                + (images.isEmpty() ? "" : ", its boot images (" + images + ")")
                + ", its kernel " + b.kernel().image() + " (" + b.kernel().recipe() + ") with its device tree"
                + ", its console " + b.console() + ", its partition names (" + b.linuxPartitionPrefix() + "N)";
    }

    /** A Raspberry Pi 4 profile: QEMU raspi4b with the Pi's own U-Boot (Raspi4bBoard). */
    private int raspi(PrintWriter out, Profile profile) throws IOException, InterruptedException {
        out.printf("%s is for %s: boot-test runs it on QEMU's raspi4b machine with the Pi's own U-Boot"
                + " (Debian u-boot-rpi, rpi_arm64), boot.scr and uboot.env on the SD card's FAT partition;"
                + " Linux gets an emulation device tree derived from the stock bcm2711-rpi-4-b.dtb (-v lists the changes).%n",
                escape(profile.source()), profile.base().name());
        if (verbose) {
            Raspi4bBoard.emulationNotes().forEach(n -> out.println("  " + n));
        }
        Path cacheDir = HostAssets.cacheDir(cache);
        long t0 = System.nanoTime();
        HostAssets assets = HostAssets.prepareRaspi(cacheDir);
        out.printf("assets: %s (QEMU %s, %s)%n", escape(cacheDir), escape(assets.tools().getOrDefault("qemu-version", Path.of("?"))),
                escape(assets.tool("raspi-u-boot.bin")));
        Path workDir = work.resolve(profile.board().name() + "-raspi4b");
        List<String> ids = scenarios.isEmpty() ? BootFlowScenarios.SCENARIOS : scenarios;
        List<ScenarioResult> results = new BootFlowScenarios(Board.raspi4b(assets), BootFlow.of(profile), workDir).run(ids, jobs);
        return report(out, results, t0, workDir);
    }

    private static int report(PrintWriter out, List<ScenarioResult> results, long t0, Path workDir) {
        int failed = 0;
        for (ScenarioResult r : results) {
            out.printf(Locale.ROOT, "%s %-13s %5.1f s, %d boot%s  %s%n", r.passed() ? "PASS" : "FAIL", r.id(), r.seconds(),
                    r.boots(), r.boots() == 1 ? " " : "s", r.title());
            r.failures().forEach(f -> out.println("       FAILED: " + escape(f)));
            r.evidence().forEach(e -> out.println("       " + escape(e)));
            r.logs().forEach(l -> out.println("       log: " + escape(l)));
            failed += r.passed() ? 0 : 1;
        }
        out.printf(Locale.ROOT, "boot-test: %d passed, %d failed (%.1f s wall clock; console logs in %s)%n",
                results.size() - failed, failed, (System.nanoTime() - t0) / 1e9, escape(workDir));
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }
}
