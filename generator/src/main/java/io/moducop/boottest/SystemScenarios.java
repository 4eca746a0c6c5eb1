package io.moducop.boottest;

import io.moducop.boottest.ScenarioCatalog.SystemScenario;
import io.moducop.profile.Profile;
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

    public static final List<String> SCENARIOS = ScenarioCatalog.systemIds();

    long seed = System.nanoTime() % 1_000_000;
    int cuts = 30;

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


    final HostAssets assets;
    final GeneratedFiles gen;
    final Path work;
    final DiskBuilder disks;
    private final VirtBoard board;
    private final byte[] keyring;
    final ImageCache images;
    private final BootScenarios boot;
    private final AppsScenarios apps;
    private final NetworkScenarios network;
    final RaucScenarios rauc;
    private final PowerCutScenario powerCut;

    public SystemScenarios(HostAssets assets, GeneratedFiles gen, Path work) throws IOException, InterruptedException {
        this(assets, gen, work, new ImageCache(ImageCache.defaultDir(), null, true));
    }

    /** {@code images}: where the applications' images were fetched (boot-test itself fetches nothing). */
    public SystemScenarios(HostAssets assets, GeneratedFiles gen, Path work, ImageCache images) throws IOException, InterruptedException {
        this.assets = assets;
        this.images = images;
        this.gen = gen;
        this.work = work;
        this.disks = new DiskBuilder(assets, gen.profile().layout(), work);
        this.board = new VirtBoard(assets);
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
        this.boot = new BootScenarios(this);
        this.apps = new AppsScenarios(this);
        this.network = new NetworkScenarios(this);
        this.rauc = new RaucScenarios(this);
        this.powerCut = new PowerCutScenario(this);
    }

    /** mark-good of a Raspberry Pi 4 profile on QEMU raspi4b ({@link RaspiSystemScenarios}); {@code raspiAssets} after prepareSystem. */
    public static List<ScenarioResult> onRaspi(HostAssets raspiAssets, Profile pi, Path work) throws IOException, InterruptedException {
        return new RaspiSystemScenarios(raspiAssets, GeneratedFiles.of(pi, pi), work).run(List.of("mark-good"));
    }

    DiskBuilder.SystemSpec spec(String variant) throws IOException {
        return spec(gen, variant, List.of());
    }

    DiskBuilder.SystemSpec spec(GeneratedFiles g, String variant, List<DiskBuilder.HarnessFile> fault) throws IOException {
        List<DiskBuilder.HarnessFile> h = new ArrayList<>(harnessFiles(g));
        h.addAll(fault);
        return new DiskBuilder.SystemSpec(GuestFiles.of(g, keyring), g.fstab(), GuestFiles.presets(g), variant,
                List.copyOf(h), appImages(g));
    }

    /** The applications' images as moducop build exports them for the board (null: the profile has no apps). */
    private synchronized Path appImages(GeneratedFiles g) throws IOException {
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
    List<DiskBuilder.HarnessFile> harnessFiles(GeneratedFiles gen) throws IOException {
        List<DiskBuilder.HarnessFile> h = new ArrayList<>();
        h.add(new DiskBuilder.HarnessFile("/usr/lib/systemd/system.conf.d/moducop-boottest-emulation.conf", 0644,
                resource("boottest/system/harness/moducop-boottest-emulation.conf")
                        .replace("@DEVICE_TIMEOUT_SECONDS@", Integer.toString(DEVICE_TIMEOUT_SECONDS)), false,
                "under emulation udev's coldplug of Debian's generic kernel takes 25 s on an idle host and over 90 s"
                        + " (systemd's default device timeout) on a loaded one: devices get " + DEVICE_TIMEOUT_SECONDS
                        + " s; a device that never appears still times out"));
        h.add(DiskBuilder.HarnessFile.enable("/usr/lib/systemd/system/ssh.socket",
                "the image's openssh-sshd preset enables sshd.socket; Debian's openssh-server names its socket unit ssh.socket"));
        if (gen.profile().ota().rauc()) {
            h.add(DiskBuilder.HarnessFile.resource("/usr/lib/modules-load.d/moducop-boottest-rauc.conf", 0644, "moducop-boottest-rauc.conf",
                    false, "meta-rauc's kernel fragment (rauc.cfg) builds loop, squashfs, dm, dm-verity and nbd into linux-yocto;"
                            + " Debian's kernel has them as modules that the bundle mount and RAUC's streaming do not load"));
        }
        if (!gen.profile().apps().isEmpty()) {
            h.add(DiskBuilder.HarnessFile.resource("/usr/lib/systemd/system/moducop-app@.service.d/zz-boottest.conf", 0644,
                    "moducop-app-console.conf", false,
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
        SystemScenario which = SystemScenario.of(id).orElseThrow(() -> new IllegalArgumentException("unknown scenario " + id));
        DiskBuilder.delete(dir);
        Files.createDirectories(dir);
        return switch (which) {
            case SYSTEM_BOOT -> boot.systemBoot(device(dir, gen));
            case MARK_GOOD -> boot.markGood(device(dir, gen));
            case PANIC -> boot.fallback(device(dir, gen), BootScenarios.Fault.PANIC);
            case HANG -> boot.fallback(device(dir, gen), BootScenarios.Fault.HANG);
            case UNHEALTHY -> boot.fallback(device(dir, gen), BootScenarios.Fault.UNHEALTHY);
            case LOGIN -> network.login(dir);
            case OFFLINE -> network.unplugged(device(dir, gen), id, Qemu.Network.NONE, 2);
            case NO_DHCP -> network.unplugged(device(dir, gen), id, Qemu.Network.NO_DHCP, 1);
            case CONTAINERS -> apps.containers(device(dir, gen));
            case APPS -> apps.apps(device(dir, gen));
            case APP_INSTALL -> apps.appInstall(device(dir, gen));
            case RAUC_INSTALL -> rauc.raucInstall(device(dir, gen));
            case POWER_CUT -> powerCut.powerCut(dir);
        };
    }

    /** A new board in {@code dir} running {@code g}: a blank environment flash, an empty share. */
    Device device(Path dir, GeneratedFiles g) throws IOException {
        return new Device(dir, g);
    }

    /** The same with {@code extraA} added to slot A by the harness (login: root's password). */
    Device device(Path dir, GeneratedFiles g, List<DiskBuilder.HarnessFile> extraA) throws IOException {
        return new Device(dir, g, extraA);
    }

    /** One board ({@link VirtBoard}): its disk, environment flash, host share and console logs. */
    class Device {
        final GeneratedFiles gen;
        final Path dir;
        final VirtBoard.Unit unit;
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
        /** The update server the user network reaches (null: none). */
        UpdateServer updateServer;
        /** The outer bound of one power cycle (a hang); a task that does more in one boot may raise it. */
        int bootTimeoutSeconds = BOOT_TIMEOUT_SECONDS;
        /** What the harness adds to slot A beyond {@link #harnessFiles} (login: root's password). */
        final List<DiskBuilder.HarnessFile> extraA;

        Device(Path dir, GeneratedFiles gen) throws IOException {
            this(dir, gen, List.of());
        }

        Device(Path dir, GeneratedFiles gen, List<DiskBuilder.HarnessFile> extraA) throws IOException {
            this.gen = gen;
            this.extraA = extraA;
            this.dir = dir;
            this.unit = board.unit(dir, gen.profile().layout());
            this.disk = unit.disk();
            this.pflash = unit.pflash();
            this.share = dir.resolve("share");
            Files.createDirectories(share);
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
                    + "; links " + String.join(", ", facts.links().stream().map(l -> l.path() + " -> " + l.target() + " (" + l.recipe() + ")").toList())
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
            Qemu.Boot b = unit.systemPowerCycle(share, network.qemuArgs(sshPort, updateServer), bootTimeoutSeconds, withDeadEnds, log);
            lastBoot = b;
            s.add(b, bootTimeoutSeconds);
            s.logs.add(log.toString());
            Map<String, String> env = env();
            if (!env.isEmpty() && !"0".equals(env.get("bootdelay"))) {
                unit.setEnv(Map.of("bootdelay", "0"));
            }
            last = new BootConsole(b.console());
            return last;
        }

        Map<String, String> env() throws IOException {
            return unit.env();
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
        return partition("boot");
    }

    /** The Linux device of partition {@code name} (boot, rootA, rootB, data) of this profile's disk. */
    String partition(String name) {
        return gen.profile().base().linuxPartition(gen.profile().layout().part(name).number());
    }

    /** Development keys of a CA the guest does not trust, made once per work directory: what "another CA" signs with. */
    synchronized Path otherCaKeys() throws IOException, InterruptedException {
        Path keys = work.resolve("other-keys");
        if (!Files.exists(keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_CERT))) {
            io.moducop.ota.DevelopmentKeys.create(keys, "Somebody Else");
        }
        return keys;
    }

    String dataDev() {
        return partition("data");
    }

    /** The checks every good boot of the real userland passes. */
    /**
     * The network's wait is the one failure every scenario allows: the health gate does not judge it
     * (the device's surroundings), and on the emulated board its 120 s can run out before DHCP completes
     * when the host is loaded (seen at load 10-20 on 2 cores). Scenarios that need the network (login,
     * containers over it) prove it by using it.
     */
    void expectSystemUp(Scenario s, BootConsole c, String slot) {
        expectSystemUp(s, c, slot, List.of(NetworkScenarios.WAIT_ONLINE));
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

    static boolean task(BootConsole c, String fragment) {
        return c.lines().stream().anyMatch(l -> l.contains("BOOTTEST-TASK: ") && l.contains(fragment));
    }

    static String taskLine(BootConsole c, String fragment) {
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

    static ScenarioResult finish(Scenario s, Device d) {
        s.evidence.addAll(d.notes);
        return s.result(d.tail());
    }

    static void run(String... cmd) throws IOException {
        DiskBuilder.run(cmd);
    }
}
