package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.DEAD_END;
import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.boottest.SystemScenarios.Device;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * --system's boot and health-gate scenarios: system-boot, mark-good, and the fallback of a slot
 * that panics, hangs or is unhealthy (panic, hang, unhealthy).
 */
final class BootScenarios extends ScenarioGroup {

    BootScenarios(SystemScenarios sys) {
        super(sys);
    }

    ScenarioResult systemBoot(Device d) throws IOException, InterruptedException {
        Scenario s = new Scenario("system-boot", "systemd on the read-only root with the generated overlays, fstab and units:"
                + " multi-user.target, nothing failed, nothing waiting");
        d.build();
        d.task(null);
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
        c.line("BOOTTEST: start after").ifPresent(l -> s.evidence.add("reporter: " + l.substring(l.indexOf("BOOTTEST:"))));
        c.line("BOOTTEST: analyze").ifPresent(l -> s.evidence.add(l.substring(l.indexOf("BOOTTEST:"))));
        c.line("BOOTTEST: watchdog").ifPresent(l -> s.evidence.add(l.substring(l.indexOf("BOOTTEST:"))));
        return finish(s, d);
    }

    ScenarioResult markGood(Device d) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        String unit = "moducop-health.service";
        Scenario s = new Scenario("mark-good", "the generated health gate (" + unit + ") finds the system healthy and re-arms"
                + " the booted slot's counter in the environment flash (" + (gen.profile().ota().rauc() ? "rauc status mark-good" : "fw_setenv")
                + "), read back from the host");
        d.build();
        d.taskResource("mark-good.sh");
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
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

        List<DiskBuilder.HarnessFile> files() throws IOException {
            String unitDir = "/usr/lib/systemd/system/";
            return switch (this) {
                case PANIC -> List.of(DiskBuilder.HarnessFile.resource("/usr/sbin/init", 0755, "fault-panic-init.sh",
                        false, "/sbin/init exits: the kernel panics (\"Attempted to kill init!\") after moducop-init handed over"));
                case HANG -> List.of(DiskBuilder.HarnessFile.resource(unitDir + "moducop-boottest-hang.service", 0644, "fault-hang.service",
                        true, "a unit that freezes PID 1 (cgroup freezer on init.scope) once /dev/watchdog0 is active"));
                case UNHEALTHY -> List.of(DiskBuilder.HarnessFile.resource(unitDir + "podman-restart.service.d/zz-boottest-fault.conf", 0644,
                        "fault-unhealthy.conf", false, "podman-restart.service, which the image enables to start the containers, fails on every boot"
                        + " (a unit the health gate judges)"));
            };
        }
    }

    /**
     * After an update made B the primary slot (the environment as rauc install leaves it), B fails
     * in the way {@code fault} says on each of its {@code boot.attempts} tries, is never marked
     * good, and the board falls back to A, which comes up and is marked good.
     */
    ScenarioResult fallback(Device d, Fault fault) throws IOException, InterruptedException {
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
        sys.expectSystemUp(s, a, "A");
        s.expectLine(a, "moducop-health: slot A is healthy and marked good", "the health gate marked A good");
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
        s.expectEnv(env, "BOOT_B_LEFT", "0");
        return finish(s, d);
    }
}
