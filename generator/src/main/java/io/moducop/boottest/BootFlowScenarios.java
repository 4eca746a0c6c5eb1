package io.moducop.boottest;

import io.moducop.boottest.ScenarioCatalog.BootFlowScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The boot-flow scenarios, whatever board runs them ({@link Board}): the generated boot.scr under
 * a real U-Boot and the generated overlay init on a real kernel, on a disk with the profile's
 * partition layout, each scenario on its own disk and a blank environment; the checks read the
 * console and the saved U-Boot environment.
 */
public final class BootFlowScenarios {

    public static final List<String> SCENARIOS = ScenarioCatalog.bootFlowIds();

    /** The stages of one device's life ({@link BootFlowScenario#lifecycle()}), run on one disk by {@link #lifecycle}. */
    static final List<String> LIFECYCLE = Arrays.stream(BootFlowScenario.values()).filter(BootFlowScenario::lifecycle)
            .map(BootFlowScenario::id).toList();

    private final Board board;
    private final BootFlow flow;
    private final Path work;
    private final DiskBuilder disks;

    public BootFlowScenarios(Board board, BootFlow flow, Path work) {
        this.board = board;
        this.flow = flow;
        this.work = work;
        this.disks = new DiskBuilder(board.slotAssets(), flow.layout(), work);
    }

    /** One disk of the board and its power cycles. */
    private final class Device {
        final Board.Unit unit;
        final Path disk;
        BootConsole last;
        int cycles;

        Device(Board.Unit unit) {
            this.unit = unit;
            this.disk = unit.disk();
        }

        void build(boolean bootableA, boolean bootableB, DiskBuilder.Data data) throws IOException {
            disks.assemble(disk, disks.bootPartition(flow.bootCmd()), disks.rootSlot("rootA", bootableA, flow),
                    disks.rootSlot("rootB", bootableB, flow), data);
            unit.diskWritten();
        }

        Map<String, String> env() throws IOException {
            return unit.env();
        }

        void setEnv(Map<String, String> changes) throws IOException {
            unit.setEnv(changes);
        }

        /** One power cycle, counted for every scenario whose checks read it. */
        BootConsole boot(Scenario... for_) throws IOException, InterruptedException {
            Qemu.Boot b = unit.powerCycle(board.bootFlowTimeoutSeconds(), Qemu.Stop.never(), null);
            for (Scenario s : for_) {
                s.add(b, board.bootFlowTimeoutSeconds());
            }
            Files.writeString(disk.resolveSibling("console-" + ++cycles + ".log"), b.console());
            // U-Boot's default 2 s autoboot delay is not part of what is tested; drop it once saved.
            Map<String, String> env = env();
            if (!env.isEmpty() && !"0".equals(env.get("bootdelay"))) {
                setEnv(Map.of("bootdelay", "0"));
            }
            last = new BootConsole(b.console());
            return last;
        }

        List<String> tail() {
            if (last == null) {
                return List.of();
            }
            List<String> l = last.lines();
            return l.subList(Math.max(0, l.size() - 12), l.size()).stream().map(x -> "console: " + x).toList();
        }
    }

    /** A new board with a blank environment, its disk in {@code dir}. */
    private Device device(Path dir) throws IOException {
        return new Device(board.unit(dir, flow.layout()));
    }

    public List<ScenarioResult> run(List<String> ids, int parallel) throws IOException, InterruptedException {
        Files.createDirectories(work);
        board.prepare(work);
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
        Device d = device(dir);
        BootFlowScenario which = BootFlowScenario.of(id).orElseThrow(() -> new IllegalArgumentException("unknown scenario " + id));
        return switch (which) {
            case FALLBACK -> fallback(d);
            case EXHAUSTED -> exhausted(d);
            case DATA_MISSING -> dataMissing(d);
            case DATA_FOREIGN -> dataForeign(d);
            case UPDATE_ROLLBACK -> updateRollback(d);
            case FIRST_BOOT, MARK_GOOD, OVERLAYS, UPDATE -> throw new IllegalArgumentException(id + " is a lifecycle stage");
        };
    }

    private Scenario scenario(String id, String title) {
        return new Scenario(id, title + board.note());
    }

    String root(String slot) {
        return flow.board().linuxPartition(flow.layout().part("root" + slot).number());
    }

    String dataDev() {
        return flow.board().linuxPartition(flow.layout().part("data").number());
    }

    private String left(int n) {
        return Integer.toString(n);
    }

    private void expectBootedSlot(Scenario s, BootConsole c, String slot) {
        s.expectLine(c, "ModuCop: booting slot " + slot, "boot script chose slot " + slot);
        String cmdline = c.cmdline();
        s.expect(cmdline.contains("root=" + root(slot) + " ") && cmdline.contains("rauc.slot=" + slot),
                "kernel got root=" + root(slot) + " and rauc.slot=" + slot, "cmdline " + cmdline);
        board.expectRootDevice(s, c, root(slot));
        s.expect(c.reachedUserSpace(), "user space ran to the end", c.line("BOOTTEST: done").orElse("no BOOTTEST: done"));
    }

    /** {@code n} power cycles in which the boot script picks {@code slot}, it does not boot, and the script resets the board. */
    private void expectFailedAttempts(Scenario s, Device d, String slot, int n, int firstNumber) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            BootConsole c = d.boot(s);
            s.expect(c.has("ModuCop: booting slot " + slot) && !c.reachedUserSpace() && c.has("ModuCop: slot " + slot + " did not boot, resetting"),
                    "attempt " + (firstNumber + i) + " tries slot " + slot + ", which does not boot; the script resets the board",
                    c.line("ModuCop: booting slot").orElse(""));
        }
    }

    private ScenarioResult fallback(Device d) throws IOException, InterruptedException {
        Scenario s = scenario("fallback", "slot A never comes up: after " + flow.attempts() + " attempts the script falls back to B");
        d.build(false, true, DiskBuilder.Data.BLANK);
        for (int i = 1; i <= flow.attempts(); i++) {
            expectFailedAttempts(s, d, "A", 1, i);
            s.expectEnv(d.env(), "BOOT_A_LEFT", left(flow.attempts() - i));
        }
        BootConsole c = d.boot(s);
        expectBootedSlot(s, c, "B");
        board.expectBoardBoot(s, c);
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", "0");
        s.expectEnv(env, "BOOT_B_LEFT", left(flow.attempts() - 1));
        return s.result(d.tail());
    }

    private ScenarioResult exhausted(Device d) throws IOException, InterruptedException {
        Scenario s = scenario("exhausted", "both slots exhausted: both counters re-armed, board reset");
        d.build(false, false, DiskBuilder.Data.BLANK);
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

    /** The LIFECYCLE stages on one disk; only the asked-for stages are reported. */
    private List<ScenarioResult> lifecycle(List<String> asked) throws IOException, InterruptedException {
        Path dir = work.resolve("lifecycle");
        Files.createDirectories(dir);
        Device d = device(dir);
        d.build(true, true, DiskBuilder.Data.BLANK);
        Scenario first = scenario("first-boot", "first boot: no saved environment, slot A chosen, its counter decremented and"
                + " saved; blank data partition formatted");
        Scenario ov = scenario("overlays", "overlay init on a real kernel: persistent and tmpfs overlays, read-only root,"
                + " persistence across a reboot");
        Scenario good = scenario("mark-good", "a good boot marked good (the environment written as fw_setenv does):"
                + " the counter no longer runs down");
        Scenario up = scenario("update", "update installed to B (BOOT_ORDER/BOOT_B_LEFT set as rauc install does): B runs from "
                + root("B") + ", configuration follows, B marked good stays");

        BootConsole c = d.boot(first, ov, good, up);
        board.expectNoSavedEnvironment(first, c);
        board.expectBoardBoot(first, c);
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

        if (asked.contains("overlays") || asked.contains("mark-good") || asked.contains("update")) {
            // what the health gate (moducop-health) does on a healthy device: BOOT_A_LEFT back to <attempts>
            markGood(d, "A");
            BootConsole second = d.boot(ov, good, up);
            board.expectEnvironmentRead(good, second);
            expectBootedSlot(good, second, "A");
            good.expectLine(second, "ModuCop: booting slot A (tries left: A=" + left(flow.attempts() - 1),
                    "the re-armed counter was used, not the run-down one");
            good.expectEnv(d.env(), "BOOT_A_LEFT", left(flow.attempts() - 1));
            for (String p : flow.overlays().persistent()) {
                ov.expectLine(second, "BOOTTEST: found " + p + "/boottest-marker", "a file written to " + p + " survived the reboot");
            }
            for (String v : flow.overlays().volatileDirs()) {
                ov.expectLine(second, "BOOTTEST: absent " + v + "/boottest-marker", "a file written to " + v + " did not");
            }
        }
        if (asked.contains("update")) {
            markGood(d, "A");
            raucInstallToB(d);
            BootConsole b = d.boot(up);
            expectBootedSlot(up, b, "B");
            up.expectLine(b, "carrying over slot A's overlays", "slot B's persistent overlays were seeded from slot A");
            up.expectLine(b, "BOOTTEST: found /etc/boottest-marker written in slot A", "a file written to /etc under A is there under B");
            markGood(d, "B");
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

    private void expectOverlayMounts(Scenario s, BootConsole c) {
        Map<String, BootConsole.Mount> m = c.mounts();
        s.expect(c.has("BOOTTEST: rootfs read-only"), "root file system is read-only",
                m.containsKey("/") ? m.get("/").toString() : "");
        for (String dir : flow.overlays().persistent()) {
            BootConsole.Mount o = m.get(dir);
            String upper = o == null ? null : o.option("upperdir");
            s.expect(o != null && "overlay".equals(o.type()) && ("/data/overlay/A" + dir + "/upper").equals(upper),
                    dir + " is an overlay with its upper directory on the data partition", String.valueOf(o));
        }
        for (String dir : flow.overlays().volatileDirs()) {
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

    /** What rauc install does after writing slot B: B first in BOOT_ORDER, its counter armed (boot-attempts-primary). */
    private void raucInstallToB(Device d) throws IOException {
        d.setEnv(Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", left(flow.attempts())));
    }

    /** What moducop-health does on a healthy boot of SLOT: its counter back to boot-attempts. */
    private void markGood(Device d, String slot) throws IOException {
        d.setEnv(Map.of("BOOT_" + slot + "_LEFT", left(flow.attempts())));
    }

    private ScenarioResult updateRollback(Device d) throws IOException, InterruptedException {
        Scenario s = scenario("update-rollback", "the updated slot B never comes up: after " + flow.attempts()
                + " attempts the old slot A runs again, with its own configuration");
        d.build(true, false, DiskBuilder.Data.BLANK);
        BootConsole a = d.boot(s);
        expectBootedSlot(s, a, "A");
        markGood(d, "A");
        raucInstallToB(d);
        expectFailedAttempts(s, d, "B", flow.attempts(), 1);
        BootConsole back = d.boot(s);
        expectBootedSlot(s, back, "A");
        s.expectLine(back, "BOOTTEST: found /etc/boottest-marker written in slot A", "slot A's /etc is as it was before the update");
        s.expectEnv(d.env(), "BOOT_B_LEFT", "0");
        return s.result(d.tail());
    }

    private ScenarioResult dataMissing(Device d) throws IOException, InterruptedException {
        Scenario s = scenario("data-missing", "no data partition: the system boots on a tmpfs /data and says why");
        d.build(true, true, DiskBuilder.Data.MISSING);
        BootConsole c = d.boot(s);
        s.expect(c.reachedUserSpace(), "user space ran to the end", null);
        s.expectLine(c, "data partition " + dataDev() + " does not exist", "console names the missing partition");
        s.expectLine(c, "/data is a tmpfs", "console warns that nothing is kept");
        BootConsole.Mount data = c.mounts().get("/data");
        s.expect(data != null && "tmpfs".equals(data.type()), "/data is a tmpfs", String.valueOf(data));
        return s.result(d.tail());
    }

    private ScenarioResult dataForeign(Device d) throws IOException, InterruptedException {
        Scenario s = scenario("data-foreign", "data partition holds a foreign file system: left untouched, tmpfs fallback");
        d.build(true, true, DiskBuilder.Data.FOREIGN);
        String before = disks.dataFingerprint(d.disk);
        BootConsole c = d.boot(s);
        s.expect(c.reachedUserSpace(), "user space ran to the end", null);
        s.expectLine(c, "holds no ext4 file system ModuCop can mount; it was left untouched", "console says why");
        BootConsole.Mount data = c.mounts().get("/data");
        s.expect(data != null && "tmpfs".equals(data.type()), "/data is a tmpfs", String.valueOf(data));
        s.expect(before.equals(disks.dataFingerprint(d.disk)), "the foreign file system was not formatted",
                "first MiB sha256 " + before.substring(0, 16));
        return s.result(d.tail());
    }
}
