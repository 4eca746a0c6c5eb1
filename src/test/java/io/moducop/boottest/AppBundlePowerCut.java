package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.resource;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.boottest.SystemScenarios.Device;
import io.moducop.ota.DevelopmentKeys;
import io.moducop.ota.RaucHost;
import io.moducop.profile.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The app-power-cut scenario, which only SystemScenariosTest runs (it needs versions of an
 * application): the plug is pulled at seeded random moments while RAUC installs an app bundle
 * (install), while moducop-app-update copies its set out of the repository and tries it until it
 * marks it good (trial) and while it prunes what no slot uses (prune). Each phase's length comes from a calibration boot that installs a bundle whole. The boot after a cut reports before it
 * installs the next bundle, so every boot but the first follows a cut: slot A came up and was
 * marked good, the set it runs is the one that ran before the cut or the one being installed,
 * marked good with A (or the slot's own), every container up and the web service healthy, the
 * named volume's file intact; and {@code e2fsck -fn} finds /data clean after each cut (its
 * journal replayed on a copy first, as the next mount would).
 */
final class AppBundlePowerCut {

    /** A phase opens with the console line {@code trigger} and has ended once {@code end} is on the console. */
    private record Phase(String name, String trigger, String end, double from, double to) {
        static Phase of(String name, String trigger, String end, Qemu.Boot calibration) {
            return new Phase(name, trigger, end, calibration.secondsAt(trigger), calibration.secondsAt(end));
        }

        boolean seen() {
            return from >= 0 && to > from;
        }
    }

    private static final String BOOTTEST_PHASE = "BOOTTEST-PHASE: ";

    private final SystemScenarios sys;
    private final AppsScenarios appsGroup;

    AppBundlePowerCut(SystemScenarios sys) {
        this.sys = sys;
        this.appsGroup = new AppsScenarios(sys);
    }

    /**
     * {@code cuts} cuts with {@code seed}, in the phases named by {@code phases} (install,
     * trial, prune, or on-trial: the trial after its mark is set) in turn; {@code two} and {@code three} are healthy versions of the application, which
     * the boots install alternately. {@code olderOs} (null: none) is an app bundle made for an OS
     * that runs other applications, and a bundle is also installed on a slot not yet marked good;
     * both must change nothing.
     */
    ScenarioResult run(Profile two, Profile three, Profile olderOs, long seed, int cuts, List<String> phases)
            throws IOException, InterruptedException {
        Path dir = sys.work.resolve("app-power-cut");
        DiskBuilder.delete(dir);
        Files.createDirectories(dir);
        Device d = sys.device(dir, sys.gen);
        Scenario s = new Scenario("app-power-cut", cuts + " power cuts (seed " + seed + ") during app bundle installs (" + String.join(", ", phases)
                + "): after each, slot A runs the old or the new set of applications, complete, healthy and marked good; the named"
                + " volume intact; /data clean");
        d.build();
        d.bootTimeoutSeconds = 2 * SystemScenarios.BOOT_TIMEOUT_SECONDS;
        RaucHost rauc = RaucHost.prepare(RaucHost.defaultDir());
        Path keys = sys.work.resolve("keys");
        byte[] keyring = Files.readAllBytes(keys.resolve(DevelopmentKeys.CA_CERT));
        appsGroup.appBundle(two, keys, keyring, "pc-2", d.share.resolve("pc-2.raucb")).make(rauc);
        appsGroup.appBundle(three, keys, keyring, "pc-3", d.share.resolve("pc-3.raucb")).make(rauc);
        String helpers = resource("boottest/system/app-update.sh");
        String cut = resource("boottest/system/app-power-cut.sh");
        String rules = "";
        if (olderOs != null) {
            appsGroup.appBundle(olderOs, keys, keyring, "older-os", d.share.resolve("older-os.raucb")).make(rauc);
            d.notes.add("harness: before the calibration install the task moves /run/moducop/slot-good (the health gate's mark) away"
                    + " for one install and back: the state of a first boot after an OS update before its health gate has passed");
            rules = resource("boottest/system/app-rules.sh");
        }

        // calibration: the rules' installs, then a whole install of pc-2 with the phases on the console
        d.task(helpers + rules + cut);
        BootConsole c = d.boot(s);
        Qemu.Boot cal = d.lastBoot;
        sys.expectSystemUp(s, c, "A");
        if (olderOs != null) {
            s.expect(task(c, "older OS: rauc install exit 1: app bundle refused, nothing written: it carries legacy"),
                    "an app bundle made for an OS with other applications is refused before RAUC writes anything", taskLine(c, "older OS:"));
            s.expect(task(c, "older OS: runs the slot's own applications; repository unchanged"), "and nothing changed",
                    taskLine(c, "older OS: runs"));
            s.expect(task(c, "not marked good: rauc install exit 0"), "on a slot not marked good RAUC installs the bundle",
                    taskLine(c, "not marked good: rauc install"));
            s.expect(taskLine(c, "not marked good: outcome").endsWith("app bundle pc-3: not tried: slot A is not marked good yet;"
                    + " install it again once it is"), "but it is not tried", taskLine(c, "not marked good: outcome"));
            s.expect(task(c, "not marked good: runs the slot's own applications; page hello from the web service"),
                    "and the slot's own applications keep running", taskLine(c, "not marked good: runs"));
        }
        String switched = c.line(BOOTTEST_PHASE + "switched pc-2").orElse("never switched");
        if (!switched.endsWith("app bundle pc-2: healthy; marked good with slot A")) {
            s.expect(false, "the calibration boot installs pc-2 whole", switched);
            return finish(s, d);
        }
        // moducop-app-update's own line (journal+console) is the commit point: the set marked good with A
        String commit = ": healthy; marked good with slot A";
        // moducop-app-update copies the set out of the repository while rauc install is still ending (the
        // post-install handler starts it), so the copy has no console line of its own to open a phase: it
        // is the start of the trial phase
        List<Phase> all = List.of(Phase.of("install", BOOTTEST_PHASE + "install pc-", BOOTTEST_PHASE + "installed pc-", cal),
                Phase.of("trial", BOOTTEST_PHASE + "installed pc-", commit, cal),
                Phase.of("prune", commit, BOOTTEST_PHASE + "switched pc-", cal),
                // the part of the trial after its mark is set (the task saw "on trial" in last-update)
                Phase.of("on-trial", BOOTTEST_PHASE + "trial pc-", commit, cal));
        List<Phase> used = all.stream().filter(p -> phases.contains(p.name())).toList();
        s.evidence.add("windows (s after power-on, calibration boot): " + String.join(", ", all.stream()
                .map(p -> String.format(Locale.ROOT, "%s %.1f-%.1f", p.name(), p.from(), p.to())).toList()));
        if (!all.stream().allMatch(Phase::seen)) {
            s.expect(false, "the calibration boot shows every phase", String.join(" | ", s.evidence));
            return finish(s, d);
        }

        Random rnd = new Random(seed);
        PowerCut checks = new PowerCut(sys.assets, sys.disks, sys.gen, dir);
        String before = "app bundle pc-2";
        String next = before;
        int made = 0;
        int late = 0;
        d.task(helpers + cut);
        for (int i = 0; made < cuts && i < 3 * cuts; i++) {
            Phase p = used.get(made % used.size());
            double after = rnd.nextDouble() * (p.to() - p.from());
            BootConsole b = d.boot(s, Qemu.Stop.after(p.trigger(), Math.max(0.001, after)));
            if (!recovered(s, b, before, next, i == 0 ? "after the calibration boot" : "after cut " + i)) {
                return finish(s, d);
            }
            before = b.line(BOOTTEST_PHASE + "check: ").map(AppBundlePowerCut::runs).orElse("?");
            next = "app bundle " + b.line(BOOTTEST_PHASE + "install ").map(l -> l.replaceAll(".*install (pc-[23]).*", "$1")).orElse("?");
            boolean inside = d.lastBoot.pulled() && b.has(p.trigger()) && !b.has(p.end());
            if (inside) {
                made++;
            } else {
                late++;
            }
            String fsck = checks.fsckData(d.disk);
            s.evidence.add(String.format(Locale.ROOT, "%s %-7s %5.1f s after \"%s\" (installing %s over %s; last line \"%s\") -> data %s",
                    inside ? String.format(Locale.ROOT, "cut %2d", made) : "late  ", p.name(), after, p.trigger(), next, before,
                    PowerCut.lastLine(d.lastBoot.console()), fsck));
            s.expect(fsck.startsWith("clean"), "/data is clean after cut " + (i + 1), fsck);
        }
        if (made < cuts) {
            s.expect(false, cuts + " cuts land inside their phase", made + " did in " + (made + late) + " tries");
        }
        d.share("check-only", new byte[0]);
        recovered(s, d.boot(s), before, next, "after the last cut");
        s.evidence.add(0, String.format(Locale.ROOT, "seed %d: %d cuts inside their phase (and %d late ones, made again)", seed, made, late));
        return finish(s, d);
    }

    /** The checks of the boot after a cut: {@code before} ran when the plug was pulled while {@code next} was being installed. */
    private boolean recovered(Scenario s, BootConsole c, String before, String next, String when) {
        int failures = s.failures.size();
        sys.expectSystemUp(s, c, "A");
        s.expect(c.has("moducop-health: slot A is healthy and marked good"), when + ": the health gate (which judges the applications)"
                + " marked A good", c.line("moducop-health:").orElse("no verdict"));
        String check = c.line(BOOTTEST_PHASE + "check: ").orElse("no check line");
        String runs = runs(check);
        s.expect(runs.equals(before) || runs.equals(next), when + ": the set that ran before (" + before + ") or the one being installed ("
                + next + ")", check);
        String page = runs.equals("the slot's own applications") ? "hello from the web service"
                : runs.matches("app bundle pc-[23]") ? "hello from version " + runs.substring(runs.length() - 1) : "(no set reported)";
        s.expect(check.contains("slot good;") && check.contains(" (marked good with A)") || check.contains(" (the slot's own)"),
                when + ": the set that runs is marked good with A (or is the slot's own)", check);
        s.expect(check.contains("; on trial no;"), when + ": no trial after a boot", check);
        s.expect(check.contains("; page " + page + ";"), when + ": the page is the set's own (" + page + ")", check);
        s.expect(check.contains("; volume written before the cuts;"), when + ": the named volume's file is intact", check);
        String containers = check.replaceAll(".*; containers ", "");
        List<String> each = List.of(containers.split(";"));
        s.expect(each.size() == 2 && each.stream().allMatch(x -> x.contains(" Up ")) && containers.contains("(healthy)")
                && !containers.contains("unhealthy"), when + ": both services up, the web service healthy", containers);
        return s.failures.size() == failures;
    }

    /** What a check line says runs: "app bundle pc-N" or "the slot's own applications". */
    private static String runs(String check) {
        return check.replaceAll(".*; runs (.*) \\((marked good with A|the slot's own|NOT MARKED GOOD)\\);.*", "$1");
    }
}
