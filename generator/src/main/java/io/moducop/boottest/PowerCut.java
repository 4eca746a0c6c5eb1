package io.moducop.boottest;

import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The power-cut scenario: QEMU is killed (SIGKILL) at seeded random moments while U-Boot saves
 * its environment, while moducop-init formats the blank data partition on the first boot and sets
 * up the overlays, and while it seeds an updated slot's overlays from the old slot. These phases
 * all run before systemd starts, so the cuts use the short boots of the boot-flow scenarios (the
 * generated boot.scr and moducop-init on the small busybox root). After each cut the board boots
 * again (to moducop-init's handover), and the host checks: a good slot came up, the data file
 * system is clean (journal replayed, then {@code e2fsck -fn} finds nothing), and /etc holds the old
 * or the new state, never a partly seeded one.
 */
final class PowerCut {

    static final String READY = ", data on /data, overlays ready";

    /**
     * {@code cuts} landed inside their phase; {@code late} more landed after it had ended (the
     * board is faster than the calibration boot said) and were made again, but were checked too.
     * {@code recovered} and {@code stateLost} count all of them.
     */
    record Outcome(int cuts, int late, int recovered, int stateLost, List<String> lines) {
        /** No cut made (nothing to cut, or the calibration failed): {@code lines} say why. */
        static Outcome none(List<String> lines) {
            return new Outcome(0, 0, 0, 0, lines);
        }
    }

    /**
     * A phase the plug is pulled in: it opens with the console line {@code trigger} and has ended
     * once {@code end} is on the console; {@code from}/{@code to} are when the calibration boot
     * printed them (-1: never).
     */
    private record Phase(String name, String trigger, String end, double from, double to) {
        static Phase of(String name, String trigger, String end, Qemu.Boot calibration) {
            return new Phase(name, trigger, end, calibration.secondsAt(trigger), calibration.secondsAt(end));
        }

        boolean seen() {
            return from >= 0 && to >= 0;
        }

        String window() {
            return String.format(Locale.ROOT, "%s %.1f-%.1f", name, from, to);
        }
    }

    private final HostAssets assets;
    private final DiskBuilder disks;
    private final VirtBoard board;
    private final GeneratedFiles gen;
    private final Path dir;
    private final BootFlow flow;

    PowerCut(HostAssets assets, DiskBuilder disks, GeneratedFiles gen, Path dir) {
        this.assets = assets;
        this.disks = disks;
        this.board = new VirtBoard(assets);
        this.gen = gen;
        this.dir = dir;
        this.flow = BootFlow.of(gen.layers(), gen.profile());
    }

    private Qemu.Boot boot(Path disk, Path pflash, Qemu.Stop stop, String name) throws IOException, InterruptedException {
        Path share = dir.resolve("share");
        Files.createDirectories(share);
        Qemu.Boot b = board.on(disk, pflash).systemPowerCycle(share, Qemu.Network.USER.qemuArgs(Qemu.freePort(), null), 120, stop, dir.resolve(name + ".log"));
        return b;
    }

    private static Qemu.Stop untilReady() {
        return new Qemu.Stop(l -> l.contains(READY) || l.contains("BOOTTEST: done"), -1);
    }

    /** A fresh board: both slots bootable, blank data partition, blank environment. */
    private void fresh(Path disk, Path pflash) throws IOException {
        disks.assemble(disk, disks.bootPartition(gen.bootCmd()), disks.rootSlot("rootA", true, flow),
                disks.rootSlot("rootA", true, flow), DiskBuilder.Data.BLANK);
        UBootEnvImage.createBlank(pflash);
    }

    Outcome run(Scenario s, long seed, int cuts) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>();
        Path base = dir.resolve("base.img");
        Path basePflash = dir.resolve("base-pflash.img");
        // calibration: a whole first boot (blank data) and a whole boot after an update to B
        fresh(base, basePflash);
        Qemu.Boot first = boot(base, basePflash, Qemu.Stop.never(), "calibrate-first");
        s.add(first, 120);
        Phase saveenv = Phase.of("saveenv", "Saving Environment", "ModuCop: booting slot", first);
        Phase format = Phase.of("first-boot", "is blank: formatting", READY, first);
        // the update: B gets a new root file system (another rootfs-id), rauc's env changes
        Path updated = dir.resolve("updated.img");
        Path updatedPflash = dir.resolve("updated-pflash.img");
        run("cp", "--sparse=always", base.toString(), updated.toString());
        run("cp", basePflash.toString(), updatedPflash.toString());
        DiskBuilder.copyInto(disks.rootSlot("rootB", true, flow), updated, disks.layout().part("rootB").start());
        int attempts = gen.profile().bootAttempts();
        UBootEnvImage.update(updatedPflash, Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(attempts), "bootdelay", "0"));
        Path calib = dir.resolve("calibrate-update.img");
        Path calibPflash = dir.resolve("calibrate-update-pflash.img");
        run("cp", "--sparse=always", updated.toString(), calib.toString());
        run("cp", updatedPflash.toString(), calibPflash.toString());
        Qemu.Boot upd = boot(calib, calibPflash, untilReady(), "calibrate-update");
        s.add(upd, 120);
        Phase seeding = Phase.of("update-seed", "carrying over slot", READY, upd);
        List<Phase> phases = List.of(saveenv, format, seeding);
        out.add("windows (s after power-on): " + String.join(", ", phases.stream().map(Phase::window).toList()));
        if (!phases.stream().allMatch(Phase::seen)) {
            s.expect(false, "calibration boots show every phase", String.join(" | ", out));
            return Outcome.none(out);
        }
        int recovered = 0;
        int lost = 0;
        int made = 0;
        int late = 0;
        for (int i = 0; made < cuts && i < 3 * cuts; i++) {
            Phase p = phases.get(made % 3);
            String phase = p.name();
            Path disk = dir.resolve("cut.img");
            Path pflash = dir.resolve("cut-pflash.img");
            if (p == seeding) {
                run("cp", "--sparse=always", updated.toString(), disk.toString());
                run("cp", updatedPflash.toString(), pflash.toString());
            } else {
                fresh(disk, pflash);
            }
            // the plug is pulled a random time after the line that opens the phase, within the length
            // the calibration boot measured; a cut whose console already shows the phase's end line
            // landed after it and does not count
            double after = rnd.nextDouble() * (p.to() - p.from());
            String trigger = p.trigger();
            Qemu.Boot cut = boot(disk, pflash, Qemu.Stop.after(trigger, Math.max(0.001, after)), "cut-" + i);
            double at = cut.seconds();
            boolean inside = cut.pulled() && !cut.console().contains(p.end());
            if (inside) {
                made++;
            } else {
                late++;
            }
            s.add(cut, 120);
            Qemu.Boot again = boot(disk, pflash, untilReady(), "recover-" + i);
            s.add(again, 120);
            BootConsole c = new BootConsole(again.console());
            String slot = c.line(READY).map(l -> l.replaceAll(".*moducop-init: slot (\\S+)" + READY + ".*", "$1")).orElse("none");
            boolean up = c.has(READY);
            String fsck = fsckData(disk);
            String etc = etcState(disk, phase);
            boolean clean = fsck.startsWith("clean");
            boolean stateOk = etc.startsWith("old") || etc.startsWith("new");
            if (up) {
                recovered++;
            }
            if (!clean || !stateOk) {
                lost++;
            }
            String line = String.format(Locale.ROOT, "%s %-11s %.2f s after \"%s\" (power-on +%.1f s; last line \"%s\")"
                    + " -> booted %s, data %s, /etc %s", inside ? String.format(Locale.ROOT, "cut %2d", made) : "late  ", phase,
                    after, trigger, at, lastLine(cut.console()), up ? "slot " + slot : "NOTHING", fsck, etc);
            out.add(line);
            if (!(up && clean && stateOk)) {
                s.expect(false, (inside ? "cut " + made : "a late cut") + " (" + phase + ") recovered", line);
            }
        }
        if (made < cuts) {
            s.expect(false, cuts + " cuts land inside their phase", made + " did in " + (made + late) + " tries");
        }
        return new Outcome(made, late, recovered, lost, out);
    }

    static String lastLine(String console) {
        List<String> l = console.lines().filter(x -> !x.isBlank()).toList();
        String last = l.isEmpty() ? "" : l.get(l.size() - 1).strip();
        return last.length() > 60 ? last.substring(0, 60) : last;
    }

    /**
     * The data partition copied out and checked as the next boot would find it: its journal
     * replayed, then {@code e2fsck -fp}, which repairs only what an unclean shutdown leaves by design
     * (ext4 writes the superblock's free block and inode counts at unmount; orphan_present stays set
     * while the orphan file is in use) and exits 4 on anything else; then {@code e2fsck -fn} must find
     * nothing. Returns "clean ..." (naming what the preen repaired) or what was found.
     */
    String fsckData(Path disk) throws IOException, InterruptedException {
        Path data = dir.resolve("data-check.img");
        long start = disks.layout().part("data").start();
        long size = disks.layout().part("data").size();
        run("dd", "if=" + disk, "of=" + data, "bs=1M", "skip=" + start / (1 << 20), "count=" + size / (1 << 20),
                "conv=sparse", "status=none");
        String e2fsck = assets.tool("mkfs.ext4").resolveSibling("e2fsck").toString();
        int replay = exec(List.of(e2fsck, "-E", "journal_only", "-y", data.toString()));
        Processes.Result before = Processes.run(List.of(e2fsck, "-fn", data.toString()));
        if (before.exitCode() == 8 && before.output().contains("Bad magic number")) {
            return "blank (not formatted yet)";
        }
        String clean = "clean" + (replay == 0 ? "" : " after journal replay");
        if (before.exitCode() == 0) {
            return clean;
        }
        List<String> found = problems(before.output());
        Processes.Result preen = Processes.run(List.of(e2fsck, "-fp", data.toString()));
        if (preen.exitCode() >= 4) {
            return "NOT CLEAN (e2fsck -fp exit " + preen.exitCode() + ": " + found + " " + problems(preen.output()) + ")";
        }
        Processes.Result fn = Processes.run(List.of(e2fsck, "-fn", data.toString()));
        if (fn.exitCode() != 0) {
            return "NOT CLEAN after e2fsck -fp (e2fsck -fn exit " + fn.exitCode() + ": " + problems(fn.output()) + ")";
        }
        return clean + "; e2fsck -p repaired " + found;
    }

    /** e2fsck's findings: its lines without the passes, prompts and summary. */
    private static List<String> problems(String output) {
        return output.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("Pass ") && !l.startsWith("e2fsck")
                && !l.endsWith("? no") && !l.contains("WARNING: Filesystem still has errors") && !l.matches("\\S+: [0-9]+/[0-9]+ files.*"))
                .limit(6).toList();
    }

    /**
     * /etc's state as the data partition holds it: "new" when the updated slot's overlay is complete
     * (stamped with its rootfs-id, holding slot A's file), "old" when only A's is there, else partial.
     */
    private String etcState(Path disk, String phase) throws IOException, InterruptedException {
        Path data = dir.resolve("data-check.img");
        String debugfs = assets.tool("mkfs.ext4").resolveSibling("debugfs").toString();
        String a = debugfsCat(debugfs, data, "/overlay/A/etc/upper/boottest-marker");
        String b = debugfsCat(debugfs, data, "/overlay/B/etc/upper/boottest-marker");
        String bId = debugfsCat(debugfs, data, "/overlay/B/rootfs-id");
        String aId = debugfsCat(debugfs, data, "/overlay/A/rootfs-id");
        if (!phase.equals("update-seed")) {
            return aId.isEmpty() ? "PARTIAL (no /overlay/A/rootfs-id)" : "new (slot A's overlays made)";
        }
        if (!bId.isEmpty()) {
            return b.contains("written in slot A") ? "new (B seeded from A: " + b.strip() + ")" : "PARTIAL (B stamped, A's /etc file missing)";
        }
        return a.contains("written in slot A") ? "old (A's /etc intact, B not seeded)" : "PARTIAL (A's /etc file missing)";
    }

    private static String debugfsCat(String debugfs, Path img, String path) throws IOException, InterruptedException {
        return new String(Processes.capture(List.of(debugfs, "-R", "cat " + path, img.toString()), Duration.ofHours(1)).output(),
                StandardCharsets.UTF_8);
    }

    private static int exec(List<String> cmd) throws IOException, InterruptedException {
        return Processes.run(cmd).exitCode();
    }

    private static void run(String... cmd) throws IOException {
        DiskBuilder.run(cmd);
    }
}
