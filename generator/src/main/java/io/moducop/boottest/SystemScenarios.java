package io.moducop.boottest;

import io.moducop.layer.GeneratedLayers;
import io.moducop.layer.LayerGenerator;
import io.moducop.profile.Profile;
import io.moducop.util.Processes;
import io.moducop.apps.ComposeFile;
import io.moducop.apps.ImageCache;
import io.moducop.apps.ImageRef;
import io.moducop.apps.Platform;
import io.moducop.util.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * boot-test --system: the generated boot script, overlay init, configuration files and units on a
 * real arm64 Debian userland (systemd, podman, RAUC) under QEMU, each scenario a real boot on its
 * own disk and environment flash. What the system shows comes from the console: systemd's own
 * lines and those of the harness's reporter unit (moducop-boottest-report.service, not part of
 * the generated image), which also runs a scenario's task from a 9p share.
 */
public final class SystemScenarios {

    public static final List<String> SCENARIOS = List.of("system-boot", "login", "containers", "mark-good", "rauc-install",
            "panic", "hang", "unhealthy", "power-cut", "apps", "offline", "no-dhcp");

    private long seed = System.nanoTime() % 1_000_000;
    private int cuts = 30;

    /** The power-cut scenario's random seed and number of cuts. */
    public SystemScenarios powerCuts(Long seed, int cuts) {
        if (seed != null) {
            this.seed = seed;
        }
        this.cuts = cuts;
        return this;
    }

    /** A boot that has not come up within this is a failure (TCG on 2 shared cores is slow). */
    static final int BOOT_TIMEOUT_SECONDS = 1200;
    /** Within BOOT_TIMEOUT_SECONDS, so that a device that never appears still ends the boot in emergency mode. */
    static final int DEVICE_TIMEOUT_SECONDS = 240;

    /** Console lines after which a boot can only be a failure: stop waiting. */
    static final List<String> DEAD_END = List.of("You are in emergency mode", "Cannot open access to console, the root account is locked",
            "Kernel panic - not syncing", "INITRAMFS-ERROR:");

    /**
     * The apps scenario's guest reaches no network: podman trying a registry means the slot's
     * images were not loaded, and podman-compose then waits for the missing service's container.
     */
    static final String REGISTRY_PULL = "Error: initializing source docker://";
    static final List<String> APPS_DEAD_END = java.util.stream.Stream.concat(DEAD_END.stream(), java.util.stream.Stream.of(REGISTRY_PULL)).toList();

    /** What is under test: the generated layers, and the profile they were generated from. */
    public record Generated(Profile profile, GeneratedLayers layers, String fstab, String bootCmd) {

        /**
         * {@code profile} is the one boot-test runs (on QEMU's board); {@code asked} the one the user
         * named: the fstab comes from the wks generated for it, as wic would write it into its image.
         */
        public static Generated of(Profile profile, Profile asked) {
            GeneratedLayers layers = GeneratedLayers.of(List.of(profile));
            GeneratedLayers askedLayers = asked == profile ? layers : GeneratedLayers.of(List.of(asked));
            return new Generated(profile, layers, WicFstab.of(askedLayers.wks(asked.board().name())),
                    layers.bootScript(profile.board().name()));
        }

        public SortedMap<String, byte[]> files() {
            return layers.files();
        }

        /** The content of a file the machine's recipes install (e.g. system.conf). */
        public String installed(String name) {
            return layers.installed(profile.board().name(), name);
        }

        public Generated withFile(String path, byte[] content) {
            SortedMap<String, byte[]> f = new java.util.TreeMap<>(layers.files());
            if (content == null) {
                f.remove(path);
            } else {
                f.put(path, content);
            }
            return new Generated(profile, new GeneratedLayers(layers.model(), f), fstab, bootCmd);
        }

        public Generated withFstab(String fstab) {
            return new Generated(profile, layers, fstab, bootCmd);
        }

        public Generated withBootCmd(String bootCmd) {
            return new Generated(profile, layers, fstab, bootCmd);
        }
    }

    private final HostAssets assets;
    private final Generated gen;
    private final Path work;
    private final DiskBuilder disks;
    private final Qemu qemu;
    private final byte[] keyring;
    private final ImageCache images;

    public SystemScenarios(HostAssets assets, Generated gen, Path work) throws IOException, InterruptedException {
        this(assets, gen, work, new ImageCache(ImageCache.defaultDir(), null, true));
    }

    /** {@code images}: where the applications' images were fetched (boot-test itself fetches nothing). */
    public SystemScenarios(HostAssets assets, Generated gen, Path work, ImageCache images) throws IOException, InterruptedException {
        this.assets = assets;
        this.images = images;
        this.gen = gen;
        this.work = work;
        this.disks = new DiskBuilder(assets, gen.profile().layout(), work);
        this.qemu = new Qemu(assets);
        Files.createDirectories(work);
        if (gen.profile().ota().keyringPem() != null) {
            keyring = gen.profile().ota().keyringPem().getBytes(StandardCharsets.UTF_8);
        } else {
            Path keys = work.resolve("keys");
            if (!Files.exists(keys.resolve(io.moducop.ota.DevelopmentKeys.CA_CERT))) {
                io.moducop.ota.DevelopmentKeys.create(keys, "ModuCop boot-test");
            }
            keyring = Files.readAllBytes(keys.resolve(io.moducop.ota.DevelopmentKeys.CA_CERT));
        }
    }

    /** mark-good of a Raspberry Pi 4 profile on QEMU raspi4b ({@link RaspiSystemScenarios}); {@code raspiAssets} after prepareSystem. */
    public static List<ScenarioResult> onRaspi(HostAssets raspiAssets, Profile pi, Path work) throws IOException, InterruptedException {
        return new RaspiSystemScenarios(raspiAssets, Generated.of(pi, pi), work).run(List.of("mark-good"));
    }

    DiskBuilder.SystemSpec spec(String variant) throws IOException {
        return spec(gen, variant, List.of());
    }

    DiskBuilder.SystemSpec spec(Generated g, String variant, List<DiskBuilder.HarnessFile> fault) throws IOException {
        List<DiskBuilder.HarnessFile> h = new ArrayList<>(harnessFiles(g));
        h.addAll(fault);
        return new DiskBuilder.SystemSpec(GuestFiles.of(g, keyring), g.fstab(), GuestFiles.presets(g), variant,
                List.copyOf(h), appImages(g));
    }

    /** The applications' images as moducop build exports them for the board (null: the profile has no apps). */
    private synchronized Path appImages(Generated g) throws IOException {
        List<ImageRef> refs = g.profile().apps().stream().flatMap(a -> a.compose().images().stream()).distinct().toList();
        if (refs.isEmpty()) {
            return null;
        }
        Path out = work.resolve("apps-oci-" + Digests.sha256(refs.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12));
        if (!Files.exists(out.resolve("index.json"))) {
            images.export(refs, Platform.parse(g.profile().base().containerPlatform()), out);
        }
        return out;
    }

    /** The environment flash bank as the guest sees it: Debian's arm64 kernel has no CFI flash driver. */
    static final String GUEST_ENV_DEVICE = "/dev/vdb";

    /** What the harness adds to the guest beyond the generated files, each with its reason. */
    List<DiskBuilder.HarnessFile> harnessFiles(Generated gen) throws IOException {
        List<DiskBuilder.HarnessFile> h = new ArrayList<>();
        h.add(new DiskBuilder.HarnessFile("/usr/lib/systemd/system.conf.d/moducop-boottest-emulation.conf", 0644,
                "# boot-test: the board is emulated (QEMU TCG), several times slower than the hardware\n"
                        + "[Manager]\nDefaultDeviceTimeoutSec=" + DEVICE_TIMEOUT_SECONDS + "s\n", false,
                "under emulation udev's coldplug of Debian's generic kernel takes 25 s on an idle host and over 90 s"
                        + " (systemd's default device timeout) on a loaded one: devices get " + DEVICE_TIMEOUT_SECONDS
                        + " s; a device that never appears still times out"));
        if (gen.profile().ota().rauc()) {
            h.add(new DiskBuilder.HarnessFile("/usr/lib/modules-load.d/moducop-boottest-rauc.conf", 0644,
                    "# boot-test: built into linux-yocto by meta-rauc's rauc.cfg; modules in Debian's kernel\nloop\nsquashfs\ndm_mod\ndm_verity\n",
                    false, "meta-rauc's kernel fragment (rauc.cfg) builds loop, squashfs, dm and dm-verity into linux-yocto;"
                            + " Debian's kernel has them as modules that the bundle mount does not load"));
        }
        if (!gen.profile().apps().isEmpty()) {
            h.add(new DiskBuilder.HarnessFile("/usr/lib/systemd/system/moducop-app@.service.d/zz-boottest.conf", 0644,
                    "# boot-test: the applications' start on the console too\n[Service]\nStandardOutput=journal+console\n"
                            + "StandardError=journal+console\n", false,
                    "the console is all the scenario sees of a boot that does not finish: the application units' output goes there too"));
        }
        String generated = gen.installed("fw_env.config");
        String line = generated.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElse("");
        String[] f = line.trim().split("\\s+");
        if (f.length >= 3 && f[0].startsWith("/dev/mtd")) {
            String size = f[2];
            h.add(new DiskBuilder.HarnessFile("/etc/fw_env.config", 0644,
                    "# boot-test substitution for the generated line \"" + line.trim() + "\":\n"
                            + "# the same flash bank, seen through a virtio disk\n"
                            + GUEST_ENV_DEVICE + " 0x0 " + size + "\n", false,
                    "Debian's arm64 kernel has no CFI flash/MTD character driver (no /dev/mtd0): the environment bank"
                            + " (QEMU pflash unit 1, at " + f[1] + " of virt's flash) is given to the guest as " + GUEST_ENV_DEVICE));
        }
        return h;
    }

    public List<ScenarioResult> run(List<String> ids, int parallel) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<ScenarioResult>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> runOne(id)));
            }
            List<ScenarioResult> results = new ArrayList<>();
            for (Future<ScenarioResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(c);
                }
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A passing scenario's disks and bundles are removed (a GiB or two each); a failing one keeps them to look at. */
    private ScenarioResult runOne(String id) throws IOException, InterruptedException {
        Path dir = work.resolve(id);
        ScenarioResult r = scenario(id, dir);
        if (r.passed()) {
            try (var files = Files.walk(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".img") || f.toString().endsWith(".raucb")).toList()) {
                    Files.delete(f);
                }
            }
        }
        return r;
    }

    private ScenarioResult scenario(String id, Path dir) throws IOException, InterruptedException {
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        if (id.equals("power-cut")) {
            return powerCut(dir);
        }
        if (id.equals("login")) {
            return login(dir);
        }
        Device d = new Device(dir, gen);
        return switch (id) {
            case "system-boot" -> systemBoot(d);
            case "containers" -> containers(d);
            case "mark-good" -> markGood(d);
            case "rauc-install" -> raucInstall(d);
            case "panic" -> fallback(d, Fault.PANIC);
            case "hang" -> fallback(d, Fault.HANG);
            case "unhealthy" -> fallback(d, Fault.UNHEALTHY);
            case "apps" -> apps(d);
            case "offline" -> unplugged(d, id, Qemu.Network.NONE, 2);
            case "no-dhcp" -> unplugged(d, id, Qemu.Network.NO_DHCP, 1);
            default -> throw new IllegalArgumentException("unknown scenario " + id);
        };
    }

    /** One board: its disk, environment flash, host share and console logs. */
    class Device {
        final Generated gen;
        final Path dir;
        final Path disk;
        final Path pflash;
        final Path share;
        BootConsole last;
        Qemu.Boot lastBoot;
        int cycles;
        final List<String> notes = new ArrayList<>();

        int sshPort;
        /** What the board's network port is plugged into. */
        Qemu.Network network = Qemu.Network.USER;
        /** What the harness adds to slot A beyond {@link #harnessFiles} (login: root's password). */
        final List<DiskBuilder.HarnessFile> extraA;

        Device(Path dir, Generated gen) throws IOException {
            this(dir, gen, List.of());
        }

        Device(Path dir, Generated gen, List<DiskBuilder.HarnessFile> extraA) throws IOException {
            this.gen = gen;
            this.extraA = extraA;
            this.dir = dir;
            this.disk = dir.resolve("disk.img");
            this.pflash = dir.resolve("pflash1.img");
            this.share = dir.resolve("share");
            Files.createDirectories(share);
            UBootEnvImage.createBlank(pflash);
        }

        void build() throws IOException {
            build(List.of());
        }

        /** Slot A as generated (plus {@link #extraA}); slot B the same, or with {@code faultB} added. */
        void build(List<DiskBuilder.HarnessFile> faultB) throws IOException {
            DiskBuilder.SystemSpec specA = spec(gen, "A", extraA);
            io.moducop.machine.ReleaseFacts facts = gen.profile().release().facts();
            notes.add("release " + facts.release() + " (releases/" + facts.release() + ".yaml, from bitbake -e): rauc-conf's files in "
                    + facts.raucConfDir() + "; " + String.join(", ", facts.files().stream().map(f -> f.path() + " (" + f.recipe() + ")").toList())
                    + "; presets applied with systemctl preset-all: " + String.join(", ", specA.presets().stream().map(GuestFiles.PresetFile::name).toList()));
            for (DiskBuilder.HarnessFile h : specA.harness()) {
                notes.add("harness: " + h.target() + ": " + h.reason());
            }
            DiskBuilder.SystemSlot a = new DiskBuilder.SystemSlot("rootA", specA);
            DiskBuilder.SystemSlot b = faultB.isEmpty() ? a : new DiskBuilder.SystemSlot("rootB", spec(gen, "B", faultB));
            for (DiskBuilder.HarnessFile h : faultB) {
                notes.add("fault in slot B: " + h.target() + ": " + h.reason());
            }
            disks.assembleSystem(disk, disks.bootPartition(gen.bootCmd()), a, b);
        }

        /** The task the reporter runs after its report (a resource under boottest/system, or null: none). */
        void taskResource(String name) throws IOException {
            task(name == null ? null : resource("boottest/system/" + name));
        }

        void share(String name, byte[] content) throws IOException {
            Files.write(share.resolve(name), content);
        }

        /** The task the reporter runs after its report (null: none); the board powers off after it. */
        void task(String script) throws IOException {
            Path t = share.resolve("task.sh");
            Files.deleteIfExists(share.resolve("task.out"));
            if (script == null) {
                Files.deleteIfExists(t);
            } else {
                Files.writeString(t, script);
            }
        }

        BootConsole boot(Scenario s) throws IOException, InterruptedException {
            return boot(s, Qemu.Stop.never());
        }

        BootConsole boot(Scenario s, Qemu.Stop stop) throws IOException, InterruptedException {
            return boot(s, stop, DEAD_END);
        }

        /** One power cycle; a line with one of {@code deadEnds} ends it at once (the board can only fail). */
        BootConsole boot(Scenario s, Qemu.Stop stop, List<String> deadEnds) throws IOException, InterruptedException {
            // systemd colours unit names in its status lines
            Qemu.Stop withDeadEnds = stop.orOnLine(l -> {
                String plain = l.replaceAll("\u001b\\[[0-9;]*m", "");
                return deadEnds.stream().anyMatch(plain::contains);
            });
            Path log = dir.resolve("console-" + ++cycles + ".log");
            sshPort = Qemu.freePort();
            Qemu.Boot b = qemu.systemPowerCycle(disk, pflash, share, network, sshPort, BOOT_TIMEOUT_SECONDS, withDeadEnds, log);
            lastBoot = b;
            s.add(b, BOOT_TIMEOUT_SECONDS);
            s.logs.add(log.toString());
            Map<String, String> env = env();
            if (!env.isEmpty() && !"0".equals(env.get("bootdelay"))) {
                UBootEnvImage.update(pflash, Map.of("bootdelay", "0"));
            }
            last = new BootConsole(b.console());
            return last;
        }

        Map<String, String> env() throws IOException {
            return UBootEnvImage.read(pflash).orElse(Map.of());
        }

        List<String> tail() {
            if (last == null) {
                return List.of();
            }
            List<String> l = last.lines();
            return l.subList(Math.max(0, l.size() - 25), l.size()).stream().map(x -> "console: " + x).toList();
        }
    }

    String bootDev() {
        return gen.profile().base().linuxPartition(gen.profile().layout().part("boot").number());
    }

    private String dataDev() {
        return gen.profile().base().linuxPartition(gen.profile().layout().part("data").number());
    }

    /** The checks every good boot of the real userland passes. */
    void expectSystemUp(Scenario s, BootConsole c, String slot) {
        expectSystemUp(s, c, slot, List.of());
    }

    /** As {@link #expectSystemUp(Scenario, BootConsole, String)}, with {@code mayFail} the units the scenario's surroundings fail. */
    void expectSystemUp(Scenario s, BootConsole c, String slot, List<String> mayFail) {
        s.expectLine(c, "ModuCop: booting slot " + slot, "boot script chose slot " + slot);
        s.expectLine(c, "moducop-init: slot " + slot + ", data on /data, overlays ready", "the generated moducop-init ran and handed over");
        s.expect(!c.has("Timed out waiting for device"), "no device timed out",
                c.line("Timed out waiting for device").orElse(null));
        for (String dead : DEAD_END) {
            if (c.has(dead)) {
                s.expect(false, "never \"" + dead + "\"", c.line(dead).orElse(null));
            }
        }
        s.expect(c.has("BOOTTEST: multi-user.target active"), "systemd reached multi-user.target",
                c.line("BOOTTEST: multi-user.target").orElse("the reporter never ran (multi-user.target not reached)"));
        List<String> failed = c.lines().stream().filter(l -> l.contains("BOOTTEST: failed ")).toList();
        List<String> unexpected = failed.stream().filter(l -> mayFail.stream().noneMatch(u -> l.contains("BOOTTEST: failed " + u + " "))).toList();
        s.expect(c.has("BOOTTEST: failed-count " + (failed.size() - unexpected.size())) && unexpected.isEmpty(),
                mayFail.isEmpty() ? "systemctl --failed is empty" : "systemctl --failed lists nothing but " + String.join(", ", mayFail),
                failed.isEmpty() ? c.line("BOOTTEST: failed-count").orElse("no report") : String.join(" | ", failed));
        List<String> jobs = c.lines().stream().filter(l -> l.contains("BOOTTEST: job ")).toList();
        s.expect(jobs.isEmpty() && c.has("BOOTTEST: start"), "no job left waiting (for a device or anything else)",
                jobs.isEmpty() ? c.line("BOOTTEST: start").orElse("no report") : String.join(" | ", jobs));
        Map<String, BootConsole.Mount> m = c.mounts();
        s.expect(c.has("BOOTTEST: rootfs read-only"), "root file system is read-only", String.valueOf(m.get("/")));
        for (String dir : gen.profile().overlays().persistent()) {
            BootConsole.Mount o = m.get(dir);
            String upper = o == null ? null : o.option("upperdir");
            s.expect(o != null && "overlay".equals(o.type()) && ("/data/overlay/" + slot + dir + "/upper").equals(upper),
                    dir + " is an overlay with its upper directory on the data partition (profile overlays.persistent)", String.valueOf(o));
        }
        for (String dir : gen.profile().overlays().volatileDirs()) {
            BootConsole.Mount o = m.get(dir);
            String upper = o == null ? null : o.option("upperdir");
            s.expect(o != null && "overlay".equals(o.type()) && upper != null && upper.startsWith("/var/volatile/"),
                    dir + " is an overlay with its upper directory on tmpfs (profile overlays.volatile)", String.valueOf(o));
        }
        BootConsole.Mount data = m.get("/data");
        s.expect(data != null && "ext4".equals(data.type()) && dataDev().equals(data.device()),
                "/data is the data partition, ext4", String.valueOf(data));
    }

    private ScenarioResult systemBoot(Device d) throws IOException, InterruptedException {
        Scenario s = new Scenario("system-boot", "systemd on the read-only root with the generated overlays, fstab and units:"
                + " multi-user.target, nothing failed, nothing waiting");
        d.build();
        d.task(null);
        BootConsole c = d.boot(s);
        expectSystemUp(s, c, "A");
        c.line("BOOTTEST: start after").ifPresent(l -> s.evidence.add("reporter: " + l.substring(l.indexOf("BOOTTEST:"))));
        c.line("BOOTTEST: watchdog").ifPresent(l -> s.evidence.add(l.substring(l.indexOf("BOOTTEST:"))));
        return finish(s, d);
    }

    private ScenarioResult containers(Device d) throws IOException, InterruptedException {
        Scenario s = new Scenario("containers", "docker is podman; docker compose up -d of two services from a local OCI archive;"
                + " one reaches the other by name; storage on /data; services back after a reboot");
        d.build();
        d.share("compose.yaml", resource("boottest/system/compose.yaml").getBytes(StandardCharsets.UTF_8));
        Path oci = d.share.resolve("images.tar");
        makeOci(oci, IMAGE, null);
        d.taskResource("containers-up.sh");
        BootConsole c = d.boot(s);
        expectSystemUp(s, c, "A");
        s.expect(task(c, "docker --version: podman version"), "`docker --version` is podman (podman-docker)",
                taskLine(c, "docker --version"));
        s.expect(!task(c, "Emulate Docker CLI using podman"), "no podman-docker notice (/etc/containers/nodocker)",
                task(c, "Emulate Docker CLI using podman") ? taskLine(c, "Emulate Docker CLI") : null);
        s.expect(task(c, "Loaded image") , "podman load took the host-built OCI archive", taskLine(c, "Loaded image"));
        s.expect(task(c, "docker compose up -d: exit 0"), "`docker compose up -d` succeeded", taskLine(c, "docker compose up -d"));
        s.expect(task(c, "client reaches web by name: hello from the web service"),
                "service client reached service web by name (aardvark-dns)", taskLine(c, "client reaches web"));
        s.expect(task(c, "graphroot: /data/containers/storage on /data"), "container storage is on /data",
                taskLine(c, "graphroot:"));
        String enabled = taskLine(c, "podman-restart.service:");
        d.taskResource("containers-after-reboot.sh");
        BootConsole again = d.boot(s);
        expectSystemUp(s, again, "A");
        s.expect(task(again, "running after reboot: 2"), "after a reboot both services (restart: always) run again",
                taskLine(again, "running after reboot") + " | " + enabled);
        s.expect(task(again, "client reaches web by name after reboot: hello"), "and reach each other",
                taskLine(again, "client reaches web by name after reboot"));
        return finish(s, d);
    }

    private ScenarioResult apps(Device d) throws IOException, InterruptedException {
        List<io.moducop.apps.App> apps = gen.profile().apps();
        Scenario s = new Scenario("apps", "the profile's applications start on the first boot with no network from the images"
                + " preloaded in the slot, answer, take part in the health gate and run again after a reboot");
        if (apps.isEmpty()) {
            s.expect(false, "the profile declares applications", "no apps: in the profile");
            return finish(s, d);
        }
        d.build();
        List<String> ports = ports(apps);
        d.share("probe-ports", (String.join("\n", ports) + "\n").getBytes(StandardCharsets.UTF_8));
        d.taskResource("apps-check.sh");
        BootConsole c = d.boot(s, Qemu.Stop.never(), APPS_DEAD_END);
        s.expect(!c.has(REGISTRY_PULL), "podman never tried a registry (the images come from the slot)", c.line(REGISTRY_PULL).orElse(null));
        expectSystemUp(s, c, "A");
        expectAppsUp(s, c, apps, ports, "");
        for (io.moducop.apps.App a : apps) {
            s.expect(task(c, "moducop-app-load: " + a.name() + ": "), a.name() + "'s images came from the slot (no network: the guest reaches nothing)",
                    taskLine(c, "moducop-app-load: " + a.name()));
        }
        s.expect(task(c, "moducop-health.service log: moducop-health: slot A is healthy and marked good"),
                "the health gate, which waits for the applications, marked A good", taskLine(c, "moducop-health.service log:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d); // what a reboot shows matters only after a good first boot
        }
        BootConsole again = d.boot(s);
        expectSystemUp(s, again, "A");
        expectAppsUp(s, again, apps, ports, "after a reboot: ");
        for (io.moducop.apps.App a : apps) {
            s.expect(!task(again, "moducop-app-load: " + a.name() + ": "), "after a reboot: no image of " + a.name()
                    + " loaded again (they are on /data)", taskLine(again, "moducop-app-load: " + a.name()));
        }
        return finish(s, d);
    }

    /**
     * The profile's applications across updates, on one board ({@code versions}: 1 = this
     * profile, 2 and 3 the same applications pinned to other images). Slot A runs 1 and is marked
     * good; 2 is in B with the environment as rauc install leaves it (the harness writes the slot:
     * rauc install itself is the rauc-install scenario's), B runs 2, is marked good and the images
     * of 1 stay for A; {@code rauc status mark-active other} rolls back to A, which runs 1 with
     * nothing loaded; 3 written into B runs, and once B is marked good the images of 2 are pruned.
     * Then {@link #CHURN} more versions go through the generated load and prune in that boot (see
     * apps-churn.sh): /data must not grow.
     */
    public ScenarioResult appsUpdate(Generated v2, Generated v3) throws IOException, InterruptedException {
        Path dir = work.resolve("apps-update");
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        Device d = new Device(dir, gen);
        int attempts = gen.profile().bootAttempts();
        List<io.moducop.apps.App> apps = gen.profile().apps();
        Scenario s = new Scenario("apps-update", "applications through an update (B runs version 2, A's images kept), a rollback"
                + " (A runs version 1 offline, nothing loaded) and a second update (version 3 prunes version 2)");
        disks.assembleSystem(d.disk, disks.bootPartition(gen.bootCmd()), new DiskBuilder.SystemSlot("rootA", spec(gen, "A", List.of())),
                new DiskBuilder.SystemSlot("rootB", spec(v2, "B", List.of())));
        List<String> ports = ports(apps);
        d.share("probe-ports", (String.join("\n", ports) + "\n").getBytes(StandardCharsets.UTF_8));
        String check = resource("boottest/system/apps-check.sh");
        List<String> v1 = hexes(gen);
        List<String> two = hexes(v2);
        List<String> three = hexes(v3);

        d.task(check);
        BootConsole c = d.boot(s);
        expectSystemUp(s, c, "A");
        expectVersion(s, c, apps, ports, "version 1 in A", v1, true);
        s.expect(c.has("moducop-health: slot A is healthy and marked good"), "version 1 in A: marked good", c.line("moducop-health:").orElse(null));
        s.evidence.add("version 1 in A: " + taskLine(c, "data use:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        UBootEnvImage.update(d.pflash, Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(attempts)));
        d.task(check + "\nrauc status mark-active other > /dev/null 2>&1; echo \"rollback: rauc status mark-active other exit $?\"\n");
        c = d.boot(s);
        expectSystemUp(s, c, "B");
        expectVersion(s, c, apps, ports, "version 2 in B", two, true);
        s.expect(c.has("moducop-health: slot B is healthy and marked good"), "version 2 in B: marked good", c.line("moducop-health:").orElse(null));
        expectImages(s, c, "version 2 in B, marked good: version 1's images stay for A", v1, true);
        s.evidence.add("version 2 in B: " + taskLine(c, "data use:"));
        s.expect(task(c, "rollback: rauc status mark-active other exit 0"), "rauc status mark-active other (rollback to A)",
                taskLine(c, "rollback:"));
        s.expectEnv(d.env(), "BOOT_ORDER", "A B");
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        d.task(check);
        c = d.boot(s);
        expectSystemUp(s, c, "A");
        expectVersion(s, c, apps, ports, "rollback to version 1 in A", v1, false);
        expectImages(s, c, "rollback to version 1 in A: version 2's images stay for B", two, true);
        s.evidence.add("rollback to A: " + taskLine(c, "data use:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        disks.replace(d.disk, "rootB", new DiskBuilder.SystemSlot("rootB", spec(v3, "B", List.of())));
        UBootEnvImage.update(d.pflash, Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(attempts)));
        for (int n = 4; n < 4 + CHURN; n++) {
            churnVersion(d.share.resolve("churn/" + n), n);
        }
        d.task(check + "\n" + resource("boottest/system/apps-churn.sh"));
        c = d.boot(s);
        expectSystemUp(s, c, "B");
        expectVersion(s, c, apps, ports, "version 3 in B", three, true);
        s.expect(c.has("moducop-health: slot B is healthy and marked good"), "version 3 in B: marked good", c.line("moducop-health:").orElse(null));
        expectImages(s, c, "version 3 in B, marked good: version 2's images pruned", two, false);
        expectImages(s, c, "and version 1's stay for A", v1, true);
        c.lines().stream().filter(l -> l.contains("moducop-app-prune:")).forEach(l -> s.evidence.add("console: " + l.strip()));
        s.evidence.add("version 3 in B: " + taskLine(c, "data use:"));
        expectChurn(s, c);
        return finish(s, d);
    }

    /** Updates after the third version, run by apps-churn.sh with the generated load and prune. */
    static final int CHURN = 20;

    /** Version {@code n} of the application as a slot carries it: its OCI layout and image list. */
    private void churnVersion(Path dir, int n) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path archive = dir.resolve("image.tar");
        String name = "localhost/moducop/churn:" + n;
        makeOci(archive, name, "hello from version " + n);
        run("tar", "-xf", archive.toString(), "-C", images.toString());
        Files.delete(archive);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"digest\":\"sha256:([0-9a-f]{64})\"")
                .matcher(Files.readString(images.resolve("index.json")));
        if (!m.find()) {
            throw new IOException("no manifest digest in " + images.resolve("index.json"));
        }
        Files.createDirectories(dir.resolve("web"));
        Files.writeString(dir.resolve("web/images"), m.group(1) + " localhost/moducop/churn " + name + "\n");
    }

    private static void expectChurn(Scenario s, BootConsole c) {
        java.util.regex.Pattern used = java.util.regex.Pattern.compile("/data (\\d+) KiB used");
        List<String> lines = c.lines().stream().filter(l -> l.contains("BOOTTEST-TASK: churn ") && l.contains(" slot "))
                .map(l -> l.substring(l.indexOf("BOOTTEST-TASK: ") + 15)).toList();
        s.expect(lines.size() == CHURN, CHURN + " more updates, each loaded and pruned", lines.size() + " ran"
                + (lines.isEmpty() ? "" : ", the last: " + lines.get(lines.size() - 1)));
        List<Long> kib = lines.stream().map(used::matcher).filter(java.util.regex.Matcher::find).map(m -> Long.parseLong(m.group(1))).toList();
        if (kib.size() == CHURN) {
            long two = kib.get(1);
            long most = kib.stream().mapToLong(Long::longValue).max().orElse(0);
            // less than one version (about 1.9 MiB): the data file system's own bookkeeping may vary a little
            s.expect(most <= two + 1024, "/data does not grow over " + CHURN + " more updates", String.format(java.util.Locale.ROOT,
                    "/data used after the second: %d KiB, after the last: %d KiB, at most: %d KiB", two, kib.get(CHURN - 1), most));
        }
        String left = taskLine(c, "churn images left:");
        s.expect(left.startsWith("churn images left: 2 "), "only the last two versions' images are left (one per slot)", left);
        if (!lines.isEmpty()) {
            s.evidence.add("churn: " + lines.get(0));
            s.evidence.add("churn: " + lines.get(lines.size() - 1));
        }
    }

    private static List<String> hexes(Generated g) {
        return g.profile().apps().stream().flatMap(a -> a.compose().images().stream()).map(ImageRef::hex).distinct().toList();
    }

    /** The applications up with the images {@code hexes}: loaded from the slot now ({@code loaded}) or already on /data. */
    private static void expectVersion(Scenario s, BootConsole c, List<io.moducop.apps.App> apps, List<String> ports, String when,
                                      List<String> hexes, boolean loaded) {
        expectAppsUp(s, c, apps, ports, when + ": ");
        for (String hex : hexes) {
            s.expect(loaded == c.lines().stream().anyMatch(l -> l.contains("moducop-app-load: ") && l.contains("sha256:" + hex)),
                    when + ": sha256:" + hex.substring(0, 12) + (loaded ? " loaded from the slot" : " already on /data, nothing loaded"),
                    c.line("moducop-app-load: ").orElse("no image loaded"));
        }
        String running = taskLine(c, "running images:");
        s.expect(hexes.stream().allMatch(running::contains), when + ": the containers run these images", running);
    }

    private static void expectImages(Scenario s, BootConsole c, String what, List<String> hexes, boolean present) {
        String images = taskLine(c, "image digests:");
        s.expect(hexes.stream().allMatch(h -> images.contains(h) == present), what, images);
    }

    private static List<String> ports(List<io.moducop.apps.App> apps) {
        return apps.stream().flatMap(a -> a.compose().services().stream()).flatMap(v -> v.ports().stream())
                .map(p -> p.replaceFirst("/(tcp|udp)$", "").split(":")).map(f -> f[f.length - 2]).toList();
    }

    /** Every application's unit active, every service running, every published port answering HTTP. */
    private static void expectAppsUp(Scenario s, BootConsole c, List<io.moducop.apps.App> apps, List<String> ports, String when) {
        for (io.moducop.apps.App a : apps) {
            String unit = "moducop-app@" + a.name() + ".service";
            s.expect(task(c, unit + ": active"), when + unit + " is active", taskLine(c, unit + ":"));
            for (ComposeFile.Service svc : a.compose().services()) {
                s.expect(task(c, "app " + a.name() + " service " + svc.name() + ": running"),
                        when + "service " + svc.name() + " of " + a.name() + " runs (compose project " + a.name() + ")",
                        taskLine(c, "app " + a.name() + " service " + svc.name() + ":"));
            }
        }
        for (String port : ports) {
            String probe = taskLine(c, "probe 127.0.0.1:" + port + ":");
            s.expect(probe.contains(" 200 "), when + "the application answers HTTP on its published port " + port, probe);
        }
    }

    private ScenarioResult markGood(Device d) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        String unit = "moducop-health.service";
        Scenario s = new Scenario("mark-good", "the generated health gate (" + unit + ") finds the system healthy and re-arms"
                + " the booted slot's counter in the environment flash (" + (gen.profile().ota().rauc() ? "rauc status mark-good" : "fw_setenv")
                + "), read back from the host");
        d.build();
        d.taskResource("mark-good.sh");
        BootConsole c = d.boot(s);
        expectSystemUp(s, c, "A");
        s.expectLine(c, "tries left: A=" + (attempts - 1), "U-Boot took a try from A and saved the environment");
        String state = taskLine(c, unit + ":");
        s.expect(state.contains("success") && state.matches(".*\\b0\\b.*") && !state.contains("failed"), unit + " ran and succeeded",
                state);
        c.lines().stream().filter(l -> l.contains(unit + " log: ")).forEach(l -> s.evidence.add(l.substring(l.indexOf("BOOTTEST-TASK: ") + 15)));
        s.evidence.add(taskLine(c, "fw_printenv:"));
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
        s.expectEnv(env, "BOOT_ORDER", "A B");
        return finish(s, d);
    }

    /** The unit that fails when the network never comes up: the surroundings, which the health gate does not judge. */
    static final String WAIT_ONLINE = "systemd-networkd-wait-online.service";

    /**
     * A device whose network never comes up ({@code net}: no card, or no DHCP answer) boots
     * {@code boots} times: each boot completes, the network's wait fails (the condition is really
     * met: the release enables systemd-networkd with its [Install] Also=, so network-online.target
     * pulls systemd-networkd-wait-online), the health gate marks the slot good anyway and the board
     * powers off through the reporter, never rebooting: a slot marked good on an earlier boot stays.
     */
    private ScenarioResult unplugged(Device d, String id, Qemu.Network net, int boots) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        String what = net == Qemu.Network.NONE ? "no network card, no link" : "a link on which nobody answers DHCP";
        Scenario s = new Scenario(id, "no network (" + what + "): " + boots + (boots == 1 ? " boot" : " boots")
                + " complete, the slot is marked good" + (gen.profile().apps().isEmpty() ? "" : " with the applications up")
                + " and never rolled back; the failed wait for the network is reported, not judged");
        d.network = net;
        d.build();
        d.taskResource("mark-good.sh");
        for (int boot = 1; boot <= boots; boot++) {
            BootConsole c = d.boot(s);
            String n = boots == 1 ? "" : "boot " + boot + ": ";
            expectSystemUp(s, c, "A", List.of(WAIT_ONLINE));
            s.expect(c.has("BOOTTEST: failed " + WAIT_ONLINE), n + WAIT_ONLINE + " failed: the boot really had no network",
                    c.line("BOOTTEST: failed-count").orElse("no report"));
            s.expectLine(c, "moducop-health: failed, not judged", n + "the health gate reported the failure and did not judge it");
            s.expectLine(c, "moducop-health: slot A is healthy and marked good", n + "the health gate marked slot A good");
            s.expect(!c.has("rebooting to use up this try"), n + "the health gate did not reboot",
                    c.line("rebooting to use up this try").orElse(null));
            s.expect(c.has("BOOTTEST: done"), n + "the boot ended in the reporter's power-off", c.line("BOOTTEST: done").orElse("no report"));
            Map<String, String> env = d.env();
            s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
            s.expectEnv(env, "BOOT_ORDER", "A B");
        }
        return finish(s, d);
    }

    /**
     * A verity bundle as meta-rauc's bundle.bbclass makes it: manifest with [update] compatible
     * and version, [bundle] format=verity, [image.rootfs] filename=rootfs.ext4; signed by rauc.
     */
    Path bundle(Path out, Path rootfsExt4, Path keys) throws IOException {
        String conf = gen.installed("system.conf");
        String compatible = conf.lines().filter(l -> l.startsWith("compatible=")).map(l -> l.substring(11)).findFirst()
                .orElseThrow(() -> new IOException("no compatible= in the generated system.conf"));
        Path content = out.resolveSibling(out.getFileName() + ".content");
        run("rm", "-rf", content.toString(), out.toString());
        Files.createDirectories(content);
        Files.createLink(content.resolve("rootfs.ext4"), rootfsExt4);
        Files.writeString(content.resolve("manifest.raucm"), "[update]\ncompatible=" + compatible + "\nversion=boottest-B\n\n"
                + "[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=rootfs.ext4\n");
        // uncompressed squashfs: quick to build on the host and to read under emulation (zero blocks stay sparse)
        run("rauc", "bundle", "--cert=" + keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_CERT),
                "--key=" + keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_KEY), "--mksquashfs-args=-noI -noD -noF -noX",
                content.toString(), out.toString());
        run("rm", "-rf", content.toString());
        return out;
    }

    /** The update the guest installs, update.raucb in its share: slot B's image, removed once it is in the bundle. */
    private void updateBundle(Device d) throws IOException {
        Path image = disks.systemImage(new DiskBuilder.SystemSlot("rootB", spec("B")), d.dir.resolve("rootB.ext4"));
        try {
            bundle(d.share.resolve("update.raucb"), image, work.resolve("keys"));
        } finally {
            Files.deleteIfExists(image);
        }
    }

    private ScenarioResult raucInstall(Device d) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        Scenario s = new Scenario("rauc-install", "rauc install of a bundle built as bundle.bbclass builds it: B boots with /etc"
                + " seeded from A and is marked good; a bundle from another CA is refused and changes nothing");
        d.build();
        long t0 = System.nanoTime();
        Path otherKeys = work.resolve("other-keys");
        if (!Files.exists(otherKeys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_CERT))) {
            io.moducop.ota.DevelopmentKeys.create(otherKeys, "Somebody Else");
        }
        updateBundle(d);
        // refused on its signature before its image is read: a small one will do
        Path small = d.dir.resolve("small-rootfs.ext4");
        run("mkfs.ext4", "-q", "-F", small.toString(), "8M");
        bundle(d.share.resolve("other-ca.raucb"), small, otherKeys);
        s.evidence.add(String.format(java.util.Locale.ROOT, "bundles built on the host in %.0f s (%d MiB)",
                (System.nanoTime() - t0) / 1e9, Files.size(d.share.resolve("update.raucb")) >> 20));
        d.taskResource("rauc-install.sh");
        BootConsole a = d.boot(s);
        expectSystemUp(s, a, "A");
        s.expect(task(a, "other-CA bundle: rauc install exit 1"), "a bundle signed by another CA is refused", taskLine(a, "other-CA bundle"));
        s.expect(task(a, "env after refused bundle: BOOT_ORDER=A B"), "and the environment is unchanged",
                taskLine(a, "env after refused bundle"));
        s.expect(task(a, "update bundle: rauc install exit 0"), "rauc install of the update succeeded", taskLine(a, "update bundle"));
        s.expect(task(a, "env after install: BOOT_ORDER=B A BOOT_B_LEFT=" + attempts), "rauc made B primary with "
                + attempts + " tries", taskLine(a, "env after install"));
        d.taskResource("rauc-after-install.sh");
        BootConsole b = d.boot(s);
        expectSystemUp(s, b, "B");
        s.expectLine(b, "carrying over slot A's overlays", "moducop-init seeded B's overlays from A");
        s.expect(task(b, "variant now: B"), "B runs the updated root file system", taskLine(b, "variant now"));
        s.expect(task(b, "configuration from A: configured under slot A"), "/etc configured under A is there under B",
                taskLine(b, "configuration from A"));
        s.expect(task(b, "rauc booted slot: B") || task(b, "rauc booted slot: 'B'"), "rauc reports slot B booted",
                taskLine(b, "rauc booted slot"));
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_ORDER", "B A");
        s.expectEnv(env, "BOOT_B_LEFT", Integer.toString(attempts));
        return finish(s, d);
    }

    static final String AUTHORIZED_KEYS = LayerGenerator.DISTRO_LAYER + "/recipes-core/moducop-login/files/authorized_keys";

    /** The root password the harness gives the guest, so that a refused password login proves sshd refuses it. */
    static final String ROOT_PASSWORD = "boottest";

    private ScenarioResult login(Path dir) throws IOException, InterruptedException {
        boolean development = gen.profile().login().development();
        Scenario s = new Scenario("login", "SSH from the host (127.0.0.1 forward) as root with a key of login.ssh-keys works;"
                + (development ? " development profile: the empty root password works too" : " password login does not"));
        Path key = harnessKey();
        String pub = Files.readString(key.resolveSibling(key.getFileName() + ".pub")).trim();
        // The harness cannot hold the private half of the profile's keys: it logs in with a key of its own,
        // added to the generated authorized_keys the way a login.ssh-keys entry is (checked below).
        Generated g = gen;
        byte[] generated = gen.files().get(AUTHORIZED_KEYS);
        if (generated != null) {
            List<String> listed = new String(generated, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            s.expect(listed.equals(gen.profile().login().sshKeys()), "the generated authorized_keys lists exactly login.ssh-keys",
                    listed.size() + " key(s)");
            Profile withKey = gen.profile().withLogin(new Profile.Login(
                    java.util.stream.Stream.concat(gen.profile().login().sshKeys().stream(), java.util.stream.Stream.of(pub)).toList(),
                    development));
            byte[] keyed = io.moducop.layer.GeneratedLayers.of(List.of(withKey)).files().get(AUTHORIZED_KEYS);
            g = gen.withFile(AUTHORIZED_KEYS, keyed);
            s.evidence.add("harness: its key " + pub.substring(pub.lastIndexOf(' ') + 1) + " added to login.ssh-keys for this boot"
                    + " (authorized_keys generated again from the profile with it)");
        }
        Device d = new Device(dir, g, List.of(rootPassword()));
        d.build();
        d.task(null);
        d.share("after", "stay\n".getBytes(StandardCharsets.UTF_8));
        List<Processes.Result> results = java.util.Collections.synchronizedList(new ArrayList<>());
        BootConsole c = d.boot(s, Qemu.Stop.never().whileUp("BOOTTEST: done", () -> {
            results.add(ssh(d.sshPort, key, null));
            results.add(ssh(d.sshPort, null, development ? "" : ROOT_PASSWORD));
        }));
        expectSystemUp(s, c, "A");
        Processes.Result byKey = results.size() > 0 ? results.get(0) : new Processes.Result(-1, "the host never tried");
        Processes.Result byPassword = results.size() > 1 ? results.get(1) : new Processes.Result(-1, "the host never tried");
        s.expect(byKey.ok() && byKey.output().contains("logged in as root"), "ssh -i <key of login.ssh-keys> root@127.0.0.1 works",
                oneLine(byKey));
        if (development) {
            s.expect(byPassword.ok(), "development: root logs in with the empty password", oneLine(byPassword));
        } else {
            s.expect(byPassword.exitCode() == 255 && byPassword.output().contains("Permission denied"),
                    "password login as root is refused (root's password is set)", oneLine(byPassword));
        }
        return finish(s, d);
    }

    private static String oneLine(Processes.Result r) {
        return "exit " + r.exitCode() + ": " + r.output().strip().replace('\n', ' ');
    }

    private synchronized Path harnessKey() throws IOException {
        Path key = work.resolve("login-key");
        if (!Files.exists(key)) {
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "boot-test", "-f", key.toString());
        }
        return key;
    }

    private DiskBuilder.HarnessFile rootPassword() throws IOException, InterruptedException {
        String hash = Processes.run(List.of("openssl", "passwd", "-6", "-salt", "moducopboottest", ROOT_PASSWORD)).output().trim();
        if (!hash.startsWith("$6$")) {
            throw new IOException("openssl passwd -6 did not give a SHA-512 crypt hash: " + hash);
        }
        String shadow = Files.readString(assets.systemRoot().resolve("etc/shadow"));
        String patched = shadow.lines().map(l -> l.startsWith("root:") ? "root:" + hash + l.substring(l.indexOf(':', 5)) : l)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        return new DiskBuilder.HarnessFile("/etc/shadow", 0640, patched, false, "root's password set to \"" + ROOT_PASSWORD
                + "\" (Debian's root is locked), so that a refused password login shows that sshd refuses passwords");
    }

    /** ssh as root to the forwarded port, with {@code key}, or with {@code password} through SSH_ASKPASS; retried while sshd is not up. */
    private Processes.Result ssh(int port, Path key, String password) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20", "-F", "/dev/null"));
        Map<String, String> env = new java.util.HashMap<>();
        if (key != null) {
            cmd.addAll(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                    "-o", "PreferredAuthentications=publickey"));
        } else {
            Path askpass = work.resolve("askpass.sh");
            Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + password + "'\n");
            askpass.toFile().setExecutable(true);
            env.put("SSH_ASKPASS", askpass.toString());
            env.put("SSH_ASKPASS_REQUIRE", "force");
            env.put("DISPLAY", ":0");
            cmd.addAll(List.of("-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=/dev/null",
                    "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1"));
        }
        cmd.addAll(List.of("root@127.0.0.1", "echo \"logged in as $(id -un) on $(cat /etc/moducop-boottest-variant)\""));
        Processes.Result r = null;
        for (int i = 0; i < 12; i++) {
            r = Processes.run(cmd, null, env, java.time.Duration.ofSeconds(60));
            // 255 without an authentication answer: sshd not listening yet (or the network not configured yet)
            if (r.exitCode() != 255 || r.output().contains("Permission denied")) {
                break;
            }
            Thread.sleep(5000);
        }
        return r;
    }

    /** What is wrong with slot B in the fallback scenarios. */
    enum Fault {
        PANIC("panic", "the kernel panics: slot B's init exits (an update with a broken init)",
                "Kernel panic - not syncing", 60),
        HANG("hang", "userspace hangs: a unit of slot B freezes PID 1 once the hardware watchdog is armed; only the watchdog can reset the board",
                "BOOTTEST-FAULT: freezing PID 1", 90),
        UNHEALTHY("unhealthy", "slot B boots, but the unit that starts the containers fails: the health gate must not mark it good",
                "BOOTTEST-FAULT: an application fails", -1);

        final String id;
        final String what;
        final String line;
        final double resetWithin;

        Fault(String id, String what, String line, double resetWithin) {
            this.id = id;
            this.what = what;
            this.line = line;
            this.resetWithin = resetWithin;
        }

        List<DiskBuilder.HarnessFile> files() {
            String unitDir = "/usr/lib/systemd/system/";
            return switch (this) {
                case PANIC -> List.of(new DiskBuilder.HarnessFile("/usr/sbin/init", 0755,
                        "#!/bin/sh\n# boot-test fault (harness): an init that exits at once\necho \"BOOTTEST-FAULT: init exits\"\nexit 1\n",
                        false, "/sbin/init exits: the kernel panics (\"Attempted to kill init!\") after moducop-init handed over"));
                case HANG -> List.of(new DiskBuilder.HarnessFile(unitDir + "moducop-boottest-hang.service", 0644, """
                        # boot-test fault (harness): userspace hangs once the hardware watchdog is armed
                        [Unit]
                        Description=boot-test fault: freeze PID 1
                        DefaultDependencies=no
                        After=local-fs.target
                        Before=multi-user.target

                        [Service]
                        Type=oneshot
                        ExecStart=/bin/sh -c 'w=/sys/class/watchdog/watchdog0/state; i=0; while [ "$$(cat $$w 2>/dev/null)" != active ] && [ $$i -lt 45 ]; do sleep 1; i=$$((i+1)); done; echo "BOOTTEST-FAULT: freezing PID 1 (watchdog0 $$(cat $$w 2>/dev/null || echo absent) after $$i s)" > /dev/console; echo 1 > /sys/fs/cgroup/init.scope/cgroup.freeze; exec sleep infinity'

                        [Install]
                        WantedBy=multi-user.target
                        """, true, "a unit that freezes PID 1 (cgroup freezer on init.scope) once /dev/watchdog0 is active"));
                case UNHEALTHY -> List.of(new DiskBuilder.HarnessFile(unitDir + "podman-restart.service.d/zz-boottest-fault.conf", 0644, """
                        # boot-test fault (harness): the unit that starts the containers fails
                        [Service]
                        ExecStartPre=/bin/sh -c 'echo "BOOTTEST-FAULT: an application fails to start" > /dev/console; exit 1'
                        """, false, "podman-restart.service, which the image enables to start the containers, fails on every boot"
                        + " (a unit the health gate judges)"));
            };
        }
    }

    /**
     * After an update made B the primary slot (the environment as rauc install leaves it), B fails
     * in the way {@code fault} says on each of its {@code boot.attempts} tries, is never marked
     * good, and the board falls back to A, which comes up and is marked good.
     */
    private ScenarioResult fallback(Device d, Fault fault) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        Scenario s = new Scenario(fault.id, fault.what + "; B never marked good, the board falls back to A after "
                + attempts + " tries (boot.attempts)");
        d.build(fault.files());
        d.task(null);
        // the first power-up: U-Boot saves its environment; the plug is pulled as the kernel loads
        d.boot(s, Qemu.Stop.after("ModuCop: booting slot A", 0));
        UBootEnvImage.update(d.pflash, Map.of("BOOT_ORDER", "B A", "BOOT_A_LEFT", Integer.toString(attempts),
                "BOOT_B_LEFT", Integer.toString(attempts)));
        s.evidence.add("environment as rauc install leaves it: BOOT_ORDER=B A, BOOT_A_LEFT=BOOT_B_LEFT=" + attempts);
        d.taskResource("mark-good.sh");
        List<String> deadEnds = fault == Fault.PANIC ? DEAD_END.stream().filter(x -> !x.startsWith("Kernel panic")).toList() : DEAD_END;
        for (int i = 1; i <= attempts; i++) {
            int failuresBefore = s.failures.size();
            Qemu.Stop stop = fault.resetWithin > 0 ? Qemu.Stop.after(fault.line, fault.resetWithin) : Qemu.Stop.never();
            BootConsole c = d.boot(s, stop, deadEnds);
            String tries = "tries left: A=" + attempts + " B=" + (attempts - i);
            s.expectLine(c, "ModuCop: booting slot B (" + tries + ")", "try " + i + " of B (" + tries + ")");
            s.expectLine(c, fault.line, "try " + i + ": the fault happened");
            double at = d.lastBoot.secondsAt(fault.line);
            s.expect(d.lastBoot.endedByBoard(), "try " + i + ": the board reset itself" + (fault.resetWithin > 0
                    ? " within " + (int) fault.resetWithin + " s of the fault" : ""), String.format(java.util.Locale.ROOT,
                    "fault at %.0f s, cycle ended at %.0f s%s", at, d.lastBoot.seconds(), d.lastBoot.pulled() ? " (plug pulled by the harness)" : ""));
            switch (fault) {
                case PANIC -> s.expectLine(c, "Rebooting in", "try " + i + ": the kernel reboots after its panic (panic=)");
                case HANG -> {
                    String n = Integer.toString(i);
                    c.lines().stream().filter(l -> l.contains("watchdog") && !l.contains("BOOTTEST")).reduce((x, y) -> y)
                            .ifPresent(l -> s.evidence.add("try " + n + ": console: " + l.strip()));
                }
                case UNHEALTHY -> s.expectLine(c, "moducop-health: slot B is not healthy", "try " + i + ": the health gate refused B");
            }
            s.expect(!c.has("slot B is healthy and marked good"), "try " + i + ": B not marked good",
                    c.line("slot B is healthy").orElse(null));
            Map<String, String> env = d.env();
            s.expectEnv(env, "BOOT_B_LEFT", Integer.toString(attempts - i));
            if (s.failures.size() > failuresBefore) {
                return finish(s, d);
            }
        }
        BootConsole a = d.boot(s);
        s.expectLine(a, "ModuCop: booting slot A (tries left: A=" + (attempts - 1) + " B=0)", "B has no try left: the board falls back to A");
        expectSystemUp(s, a, "A");
        s.expectLine(a, "moducop-health: slot A is healthy and marked good", "the health gate marked A good");
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
        s.expectEnv(env, "BOOT_B_LEFT", "0");
        return finish(s, d);
    }

    private ScenarioResult powerCut(Path dir) throws IOException, InterruptedException {
        int raucCuts = gen.profile().ota().rauc() ? Math.max(3, cuts / 10) : 0;
        int early = cuts - raucCuts;
        Scenario s = new Scenario("power-cut", cuts + " power cuts (seed " + seed + "): " + early + " during saveenv, first-boot"
                + " formatting and overlay setup, and slot seeding after an update, " + raucCuts + " during rauc install;"
                + " each time a good slot boots, /data is clean, /etc old or new");
        PowerCut.Outcome o = new PowerCut(assets, disks, gen, dir).run(s, seed, early);
        PowerCut.Outcome r = raucInstallCuts(s, dir.resolve("rauc-install"), new java.util.Random(seed ^ 0x5241554343L), raucCuts);
        s.evidence.add(0, String.format(java.util.Locale.ROOT, "seed %d: %d cuts inside their phase (and %d late ones, made again),"
                + " %d of %d boots after a cut recovered, state lost %d", seed, o.cuts() + r.cuts(), o.late(),
                o.recovered() + r.recovered(), o.cuts() + o.late() + r.cuts(), o.stateLost() + r.stateLost()));
        s.evidence.addAll(o.lines());
        s.evidence.addAll(r.lines());
        return s.result(List.of());
    }

    /** Only the cuts before systemd (saveenv, first boot, update seeding), {@code n} of them: for tests. */
    PowerCut.Outcome earlyCuts(Scenario s, Path dir, int n) throws IOException, InterruptedException {
        return new PowerCut(assets, disks, gen, dir).run(s, seed, n);
    }

    /**
     * Cuts while rauc install writes slot B from a bundle, on the real userland: a calibration
     * boot runs a whole install (its length is the window), then each cut starts from a fresh
     * board that configures /etc under A and installs; the plug is pulled a random time into the
     * install; the next boot must bring up a good slot with A's /etc, and /data must be clean.
     */
    private PowerCut.Outcome raucInstallCuts(Scenario s, Path dir, java.util.Random rnd, int n) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        if (n == 0) {
            return PowerCut.Outcome.none(out);
        }
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        Device d = new Device(dir, gen);
        d.build();
        updateBundle(d);
        Path pristine = dir.resolve("pristine.img");
        run("cp", "--sparse=always", d.disk.toString(), pristine.toString());
        d.taskResource("rauc-install-cut.sh");
        d.boot(s);
        Qemu.Boot cal = d.lastBoot;
        double from = cal.secondsAt("BOOTTEST-PHASE: rauc install begins");
        double to = cal.secondsAt("BOOTTEST-PHASE: rauc install ended");
        String ended = new BootConsole(cal.console()).line("BOOTTEST-PHASE: rauc install ended").orElse("");
        out.add(String.format(java.util.Locale.ROOT, "rauc install window (calibration boot): %.0f-%.0f s after power-on, %s",
                from, to, ended.isEmpty() ? "never ended" : ended.substring(ended.indexOf("BOOTTEST-PHASE: ") + 16)));
        if (from < 0 || to < 0 || !ended.endsWith("exit 0")) {
            s.expect(false, "the calibration install completes", String.join(" | ", out));
            return PowerCut.Outcome.none(out);
        }
        PowerCut checks = new PowerCut(assets, disks, gen, dir);
        int recovered = 0;
        int lost = 0;
        for (int i = 0; i < n; i++) {
            run("cp", "--sparse=always", pristine.toString(), d.disk.toString());
            UBootEnvImage.createBlank(d.pflash);
            double after = rnd.nextDouble() * (to - from + 1);
            d.taskResource("rauc-install-cut.sh");
            d.boot(s, Qemu.Stop.after("BOOTTEST-PHASE: rauc install begins", Math.max(0.001, after)));
            boolean cutInInstall = d.lastBoot.pulled() && !d.last.has("rauc install ended");
            d.taskResource("rauc-cut-recover.sh");
            BootConsole c = d.boot(s);
            String slot = c.line("ModuCop: booting slot ").map(l -> l.replaceAll(".*booting slot (\\S+).*", "$1")).orElse("none");
            boolean up = c.has("BOOTTEST: multi-user.target active") && c.has("BOOTTEST: failed-count 0");
            boolean etc = task(c, "etc: configured under slot A");
            String fsck = checks.fsckData(d.disk);
            boolean clean = fsck.startsWith("clean");
            if (up) {
                recovered++;
            }
            if (!clean || !etc) {
                lost++;
            }
            String line = String.format(java.util.Locale.ROOT, "cut %2d rauc-install %.1f s after \"rauc install begins\"%s -> booted %s%s,"
                    + " data %s, /etc %s", i + 1, after, cutInInstall ? "" : " (NOT during the install)", up ? "slot " + slot : "NOTHING",
                    up ? "" : " (" + c.line("BOOTTEST: failed-count").orElse("no report") + ")", fsck,
                    etc ? "A's (" + taskLine(c, "etc:") + ")" : "LOST (" + taskLine(c, "etc:") + ")");
            out.add(line);
            if (!(up && clean && etc && cutInInstall)) {
                s.expect(false, "cut during rauc install " + (i + 1) + " recovered", line);
            }
        }
        return new PowerCut.Outcome(n, 0, recovered, lost, out);
    }

    static final String IMAGE = "localhost/boottest-busybox:1";

    /** boot-test's arm64 busybox image as an OCI archive named {@code ref} (make-oci.sh; {@code page} null: its default page). */
    private void makeOci(Path out, String ref, String page) throws IOException {
        Path script = work.resolve("make-oci.sh");
        synchronized (this) {
            if (!Files.exists(script)) {
                Files.writeString(script, resource("boottest/system/make-oci.sh"));
            }
        }
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), busyboxDeb().toString(), out.toString(), ref));
        if (page != null) {
            cmd.add(page);
        }
        run(cmd.toArray(String[]::new));
    }

    private Path busyboxDeb() throws IOException {
        try (var files = Files.list(assets.cache().resolve("debs"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("busybox-static_")).findFirst()
                    .orElseThrow(() -> new IOException("no busybox-static .deb in " + assets.cache().resolve("debs")));
        }
    }

    private static boolean task(BootConsole c, String fragment) {
        return c.lines().stream().anyMatch(l -> l.contains("BOOTTEST-TASK: ") && l.contains(fragment));
    }

    private static String taskLine(BootConsole c, String fragment) {
        return c.lines().stream().filter(l -> l.contains("BOOTTEST-TASK: ") && l.contains(fragment))
                .map(l -> l.substring(l.indexOf("BOOTTEST-TASK: ") + 15)).findFirst()
                .orElse(c.line("BOOTTEST: task exit").orElse("no task output"));
    }

    static String resource(String name) throws IOException {
        try (var in = SystemScenarios.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ScenarioResult finish(Scenario s, Device d) {
        s.evidence.addAll(d.notes);
        return s.result(d.tail());
    }

    static void run(String... cmd) throws IOException {
        DiskBuilder.run(cmd);
    }
}
