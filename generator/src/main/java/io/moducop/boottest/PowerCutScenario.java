package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.boottest.SystemScenarios.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * --system's power-cut scenario: the cuts before systemd ({@link PowerCut}, on the short boot-flow
 * boots) and the cuts during rauc install on the real userland.
 */
final class PowerCutScenario extends ScenarioGroup {

    PowerCutScenario(SystemScenarios sys) {
        super(sys);
    }

    ScenarioResult powerCut(Path dir) throws IOException, InterruptedException {
        int cuts = sys.cuts;
        long seed = sys.seed;
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
        DiskBuilder.delete(dir);
        Files.createDirectories(dir);
        Device d = sys.device(dir, gen);
        d.build();
        sys.rauc.updateBundle(d);
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
}
