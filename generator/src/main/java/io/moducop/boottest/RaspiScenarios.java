package io.moducop.boottest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The boot scenarios of a Raspberry Pi 4 profile on the Pi's own U-Boot ({@link RaspiMachine}):
 * the generated boot.scr on the SD card's FAT partition, the generated overlay init on Debian's
 * arm64 kernel with the Pi 4 device tree, and the U-Boot environment read from and written to
 * uboot.env on the boot partition, where the board keeps it.
 */
public final class RaspiScenarios {

    /**
     * What runs on raspi4b. first-boot, overlays and mark-good are stages of one card's life (one
     * disk, as in ScenarioRunner); fallback and exhausted get their own card.
     */
    public static final List<String> SCENARIOS = List.of("first-boot", "fallback", "exhausted", "mark-good",
            "overlays", "data-missing", "data-foreign", "update", "update-rollback");

    static final List<String> LIFECYCLE = List.of("first-boot", "overlays", "mark-good", "update");

    private final RaspiMachine machine;
    private final ScenarioRunner.BootFlow flow;
    private final Path work;
    private final DiskBuilder disks;
    private Path dtb;

    public RaspiScenarios(HostAssets assets, ScenarioRunner.BootFlow flow, Path work) {
        this.machine = new RaspiMachine(assets);
        this.flow = flow;
        this.work = work;
        this.disks = new DiskBuilder(machine.slotAssets(), flow.layout(), work);
    }

    /** Whether {@code p} runs on raspi4b: its base board is the Raspberry Pi 4. */
    public static boolean runsOn(io.moducop.profile.Profile p) {
        return RaspiMachine.emulates(p.base());
    }

    /** The device-tree changes the emulation makes, one line each, for the report. */
    public static List<String> emulationNotes() {
        List<String> l = new ArrayList<>();
        for (RaspiMachine.DtbEdit e : RaspiMachine.DTB_EDITS) {
            l.add("fdtput " + String.join(" ", e.fdtput()) + "  # " + e.why());
        }
        return l;
    }

    public List<ScenarioResult> run(List<String> ids, int parallel) throws IOException, InterruptedException {
        Files.createDirectories(work);
        dtb = machine.emulationDtb(work);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<List<ScenarioResult>>> futures = new ArrayList<>();
            List<String> lifecycle = ids.stream().filter(LIFECYCLE::contains).toList();
            if (!lifecycle.isEmpty()) {
                futures.add(pool.submit(() -> lifecycle(lifecycle)));
            }
            for (String id : ids) {
                if (!LIFECYCLE.contains(id)) {
                    futures.add(pool.submit(() -> List.of(runOne(id))));
                }
            }
            List<ScenarioResult> results = new ArrayList<>();
            for (Future<List<ScenarioResult>> f : futures) {
                try {
                    results.addAll(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    throw c instanceof IOException io ? io : new IOException(c);
                }
            }
            results.sort(java.util.Comparator.comparingInt(r -> SCENARIOS.indexOf(r.id())));
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private ScenarioResult runOne(String id) throws IOException, InterruptedException {
        Path dir = work.resolve(id);
        Files.createDirectories(dir);
        Card d = new Card(dir.resolve("sd.img"));
        return switch (id) {
            case "fallback" -> fallback(d);
            case "exhausted" -> exhausted(d);
            case "data-missing" -> dataMissing(d);
            case "data-foreign" -> dataForeign(d);
            case "update-rollback" -> updateRollback(d);
            default -> throw new IllegalArgumentException("unknown scenario " + id);
        };
    }

    /** One SD card and its power cycles. */
    private final class Card {
        final Path sd;
        BootConsole last;
        int cycles;

        Card(Path sd) {
            this.sd = sd;
        }

        long bootOffset() {
            return flow.layout().part("boot").start();
        }

        void build(boolean bootableA, boolean bootableB) throws IOException {
            build(bootableA, bootableB, DiskBuilder.Data.BLANK);
        }

        void build(boolean bootableA, boolean bootableB, DiskBuilder.Data data) throws IOException {
            disks.assemble(sd, disks.bootPartition(flow.bootCmd()),
                    disks.rootSlot("rootA", bootableA, flow),
                    disks.rootSlot("rootB", bootableB, flow), data);
            RaspiMachine.padToSdSize(sd, flow.layout().storage());
        }

        BootConsole boot(Scenario... for_) throws IOException, InterruptedException {
            Qemu.Boot b = machine.powerCycle(sd, dtb);
            for (Scenario s : for_) {
                s.add(b, RaspiMachine.TIMEOUT_SECONDS);
            }
            Files.writeString(sd.resolveSibling("console-" + ++cycles + ".log"), b.console());
            // U-Boot's default 2 s autoboot delay is not part of what is tested; drop it once saved.
            Map<String, String> env = env();
            if (!env.isEmpty() && !"0".equals(env.get("bootdelay"))) {
                machine.updateEnv(sd, bootOffset(), Map.of("bootdelay", "0"));
            }
            last = new BootConsole(b.console());
            return last;
        }

        Map<String, String> env() throws IOException {
            return machine.readEnv(sd, bootOffset()).orElse(Map.of());
        }

        void setEnv(Map<String, String> changes) throws IOException {
            machine.updateEnv(sd, bootOffset(), changes);
        }

        List<String> tail() {
            if (last == null) {
                return List.of();
            }
            List<String> l = last.lines();
            return l.subList(Math.max(0, l.size() - 12), l.size()).stream().map(x -> "console: " + x).toList();
        }
    }

    private String root(String slot) {
        return flow.board().linuxPartition(flow.layout().part("root" + slot).number());
    }

    private String dataDev() {
        return flow.board().linuxPartition(flow.layout().part("data").number());
    }

    private static String left(int n) {
        return Integer.toString(n);
    }

    /** The Pi-specific evidence of a boot that reached the kernel: U-Boot's and the script's own lines. */
    private void expectPiBoot(Scenario s, BootConsole c) {
        s.expectLine(c, "Found U-Boot script /boot.scr", "the Pi's U-Boot found boot.scr on the SD card's FAT partition");
        s.expectLine(c, "Saving Environment to FAT... OK", "saveenv wrote uboot.env to the FAT boot partition");
        String cmdline = c.cmdline();
        s.expect(cmdline.startsWith(RaspiMachine.FIRMWARE_BOOTARGS + " "),
                "the firmware's kernel arguments (/chosen/bootargs at ${fdt_addr}) come first on the kernel command line",
                "cmdline " + cmdline);
    }

    private void expectBootedSlot(Scenario s, BootConsole c, String slot) {
        s.expectLine(c, "ModuCop: booting slot " + slot, "boot script chose slot " + slot);
        String cmdline = c.cmdline();
        s.expect(cmdline.contains("root=" + root(slot) + " ") && cmdline.contains("rauc.slot=" + slot),
                "kernel got root=" + root(slot) + " and rauc.slot=" + slot, "cmdline " + cmdline);
        s.expectLine(c, "mounted " + root(slot) + " (" + root(slot) + ") on /", "the SD card's partition " + root(slot) + " is the root");
        s.expect(c.reachedUserSpace(), "user space ran to the end", c.line("BOOTTEST: done").orElse("no BOOTTEST: done"));
    }

    private void expectFailedAttempts(Scenario s, Card d, String slot, int n, int firstNumber) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            BootConsole c = d.boot(s);
            s.expect(c.has("ModuCop: booting slot " + slot) && !c.reachedUserSpace() && c.has("ModuCop: slot " + slot + " did not boot, resetting"),
                    "attempt " + (firstNumber + i) + " tries slot " + slot + ", which does not boot; the script resets the board",
                    c.line("ModuCop: booting slot").orElse(""));
        }
    }

    private ScenarioResult fallback(Card d) throws IOException, InterruptedException {
        Scenario s = new Scenario("fallback", "slot A never comes up: after " + flow.attempts() + " attempts the script falls back to B (raspi4b)");
        d.build(false, true);
        for (int i = 1; i <= flow.attempts(); i++) {
            expectFailedAttempts(s, d, "A", 1, i);
            s.expectEnv(d.env(), "BOOT_A_LEFT", left(flow.attempts() - i));
        }
        BootConsole c = d.boot(s);
        expectBootedSlot(s, c, "B");
        expectPiBoot(s, c);
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", "0");
        s.expectEnv(env, "BOOT_B_LEFT", left(flow.attempts() - 1));
        return s.result(d.tail());
    }

    private ScenarioResult exhausted(Card d) throws IOException, InterruptedException {
        Scenario s = new Scenario("exhausted", "both slots exhausted: both counters re-armed, board reset (raspi4b)");
        d.build(false, false);
        int tries = 2 * flow.attempts();
        expectFailedAttempts(s, d, "A", flow.attempts(), 1);
        expectFailedAttempts(s, d, "B", flow.attempts(), flow.attempts() + 1);
        Map<String, String> before = d.env();
        s.expect("0".equals(before.get("BOOT_A_LEFT")) && "0".equals(before.get("BOOT_B_LEFT")),
                "after " + tries + " failed boots no slot has a try left",
                "BOOT_A_LEFT=" + before.get("BOOT_A_LEFT") + " BOOT_B_LEFT=" + before.get("BOOT_B_LEFT"));
        BootConsole c = d.boot(s);
        s.expectLine(c, "no slot has a boot attempt left, re-arming A and B", "recovery policy ran");
        s.expect(c.has("resetting") && !c.has("Starting kernel"), "the board reset without booting a kernel",
                c.line("resetting").orElse(""));
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", left(flow.attempts()));
        s.expectEnv(env, "BOOT_B_LEFT", left(flow.attempts()));
        return s.result(d.tail());
    }

    private List<ScenarioResult> lifecycle(List<String> asked) throws IOException, InterruptedException {
        Path dir = work.resolve("lifecycle");
        Files.createDirectories(dir);
        Card d = new Card(dir.resolve("sd.img"));
        d.build(true, true);
        Scenario first = new Scenario("first-boot", "first boot on the Pi's U-Boot: no uboot.env yet, slot A chosen, its counter"
                + " decremented and saved to uboot.env on the FAT partition; blank data partition formatted");
        Scenario ov = new Scenario("overlays", "overlay init on the Pi's SD card: persistent and tmpfs overlays, read-only root, persistence across a reboot");
        Scenario good = new Scenario("mark-good", "marked good through uboot.env on the boot partition (as fw_setenv does): the counter no longer runs down");
        Scenario up = new Scenario("update", "update installed to B (BOOT_ORDER/BOOT_B_LEFT set in uboot.env as rauc install does):"
                + " B runs from " + root("B") + ", configuration follows, B marked good stays");

        BootConsole c = d.boot(first, ov, good, up);
        first.expectLine(c, "Unable to read \"" + RaspiMachine.ENV_FILE + "\" from mmc0:1", "a new card has no uboot.env: U-Boot's default environment");
        expectPiBoot(first, c);
        expectBootedSlot(first, c, "A");
        Map<String, String> env = d.env();
        first.expectEnv(env, "BOOT_A_LEFT", left(flow.attempts() - 1));
        first.expectEnv(env, "BOOT_B_LEFT", left(flow.attempts()));
        first.expectEnv(env, "BOOT_ORDER", "A B");
        first.expectLine(c, "is blank: formatting it", "blank data partition formatted on first boot");
        BootConsole.Mount data = c.mounts().get("/data");
        first.expect(data != null && "ext4".equals(data.type()) && dataDev().equals(data.device()),
                "/data is the formatted data partition", data == null ? "no /data mount" : data.toString());
        expectOverlayMounts(ov, c);

        if (!asked.contains("overlays") && !asked.contains("mark-good") && !asked.contains("update")) {
            return List.of(first.result(d.tail())); // the second boot (a minute here) checks only those
        }
        // what moducop-health / fw_setenv does on the board: BOOT_A_LEFT back to <attempts> in uboot.env
        d.setEnv(Map.of("BOOT_A_LEFT", left(flow.attempts())));
        BootConsole second = d.boot(ov, good, up);
        good.expectLine(second, "Loading Environment from FAT... OK", "U-Boot read uboot.env as written from outside");
        expectBootedSlot(good, second, "A");
        good.expectLine(second, "ModuCop: booting slot A (tries left: A=" + left(flow.attempts() - 1), "the re-armed counter was used, not the run-down one");
        good.expectEnv(d.env(), "BOOT_A_LEFT", left(flow.attempts() - 1));
        ov.expectLine(second, "BOOTTEST: found /etc/boottest-marker", "a file written to /etc survived the reboot");
        ov.expectLine(second, "BOOTTEST: found /root/boottest-marker", "a file written to /root survived the reboot");
        ov.expectLine(second, "BOOTTEST: absent /var/cache/boottest-marker", "a file written to /var/cache did not");
        ov.expectLine(second, "BOOTTEST: absent /var/lib/boottest-marker", "nor one written to /var/lib");

        if (asked.contains("update")) {
            d.setEnv(Map.of("BOOT_A_LEFT", left(flow.attempts())));
            raucInstallToB(d);
            BootConsole b = d.boot(up);
            expectBootedSlot(up, b, "B");
            up.expectLine(b, "carrying over slot A's overlays", "slot B's persistent overlays were seeded from slot A");
            up.expectLine(b, "BOOTTEST: found /etc/boottest-marker written in slot A", "a file written to /etc under A is there under B");
            d.setEnv(Map.of("BOOT_B_LEFT", left(flow.attempts())));
            BootConsole again = d.boot(up);
            expectBootedSlot(up, again, "B");
            up.expectEnv(d.env(), "BOOT_ORDER", "B A");
            up.expectEnv(d.env(), "BOOT_B_LEFT", left(flow.attempts() - 1));
        }
        List<ScenarioResult> out = new ArrayList<>();
        for (Scenario s : List.of(first, ov, good, up)) {
            if (asked.contains(s.id)) {
                out.add(s.result(d.tail()));
            }
        }
        return out;
    }

    /** What rauc install does after writing slot B: B first in BOOT_ORDER, its counter armed, in uboot.env. */
    private void raucInstallToB(Card d) throws IOException {
        d.setEnv(Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", left(flow.attempts())));
    }

    private ScenarioResult updateRollback(Card d) throws IOException, InterruptedException {
        Scenario s = new Scenario("update-rollback", "the updated slot B never comes up: after " + flow.attempts()
                + " attempts the old slot A runs again, with its own configuration (raspi4b)");
        d.build(true, false);
        BootConsole a = d.boot(s);
        expectBootedSlot(s, a, "A");
        d.setEnv(Map.of("BOOT_A_LEFT", left(flow.attempts())));
        raucInstallToB(d);
        expectFailedAttempts(s, d, "B", flow.attempts(), 1);
        BootConsole back = d.boot(s);
        expectBootedSlot(s, back, "A");
        s.expectLine(back, "BOOTTEST: found /etc/boottest-marker written in slot A", "slot A's /etc is as it was before the update");
        s.expectEnv(d.env(), "BOOT_B_LEFT", "0");
        return s.result(d.tail());
    }

    private ScenarioResult dataMissing(Card d) throws IOException, InterruptedException {
        Scenario s = new Scenario("data-missing", "no data partition: the system boots on a tmpfs /data and says why (raspi4b)");
        d.build(true, true, DiskBuilder.Data.MISSING);
        BootConsole c = d.boot(s);
        s.expect(c.reachedUserSpace(), "user space ran to the end", null);
        s.expectLine(c, "data partition " + dataDev() + " does not exist", "console names the missing partition");
        s.expectLine(c, "/data is a tmpfs", "console warns that nothing is kept");
        BootConsole.Mount data = c.mounts().get("/data");
        s.expect(data != null && "tmpfs".equals(data.type()), "/data is a tmpfs", String.valueOf(data));
        return s.result(d.tail());
    }

    private ScenarioResult dataForeign(Card d) throws IOException, InterruptedException {
        Scenario s = new Scenario("data-foreign", "data partition holds a foreign file system: left untouched, tmpfs fallback (raspi4b)");
        d.build(true, true, DiskBuilder.Data.FOREIGN);
        String before = disks.dataFingerprint(d.sd);
        BootConsole c = d.boot(s);
        s.expect(c.reachedUserSpace(), "user space ran to the end", null);
        s.expectLine(c, "holds no ext4 file system ModuCop can mount; it was left untouched", "console says why");
        BootConsole.Mount data = c.mounts().get("/data");
        s.expect(data != null && "tmpfs".equals(data.type()), "/data is a tmpfs", String.valueOf(data));
        s.expect(before.equals(disks.dataFingerprint(d.sd)), "the foreign file system was not formatted",
                "first MiB sha256 " + before.substring(0, 16));
        return s.result(d.tail());
    }

    private void expectOverlayMounts(Scenario s, BootConsole c) {
        Map<String, BootConsole.Mount> m = c.mounts();
        s.expect(c.has("BOOTTEST: rootfs read-only"), "root file system is read-only",
                m.containsKey("/") ? m.get("/").toString() : "");
        for (String dir : List.of("/etc", "/root")) {
            BootConsole.Mount o = m.get(dir);
            String upper = o == null ? null : o.option("upperdir");
            s.expect(o != null && "overlay".equals(o.type()) && ("/data/overlay/A" + dir + "/upper").equals(upper),
                    dir + " is an overlay with its upper directory on the data partition", String.valueOf(o));
        }
        for (String dir : List.of("/var/cache", "/var/lib", "/var/spool")) {
            BootConsole.Mount o = m.get(dir);
            String upper = o == null ? null : o.option("upperdir");
            s.expect(o != null && "overlay".equals(o.type()) && upper != null && upper.startsWith("/var/volatile/"),
                    dir + " is an overlay with its upper directory on tmpfs", String.valueOf(o));
        }
        for (String dir : List.of("/var/volatile", "/run")) {
            BootConsole.Mount t = m.get(dir);
            s.expect(t != null && "tmpfs".equals(t.type()), dir + " is tmpfs", String.valueOf(t));
        }
        s.expect("/run".equals(c.resolves("/var/run")), "/var/run resolves to the tmpfs /run", c.resolves("/var/run"));
        s.expect("/var/volatile/log".equals(c.resolves("/var/log")), "/var/log resolves to /var/volatile/log", c.resolves("/var/log"));
    }
}
