package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.resource;
import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.boottest.SystemScenarios.Device;
import io.moducop.ota.DevelopmentKeys;
import io.moducop.ota.RaucHost;
import io.moducop.profile.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The app-update scenario, which only SystemScenariosTest runs (it needs three versions of an
 * application): app bundles installed on a running device by the guest's RAUC, tried by the
 * generated moducop-app-update and kept only when healthy, without a reboot and without touching
 * either root slot.
 */
final class AppBundleUpdateScenario {

    private final SystemScenarios sys;
    private final AppsScenarios appsGroup;

    AppBundleUpdateScenario(SystemScenarios sys) {
        this.sys = sys;
        this.appsGroup = new AppsScenarios(sys);
    }

    /**
     * Slot A runs version 1 of the application (the profile's, in the slot); app bundle 2
     * ({@code healthy}) goes on trial, becomes healthy and is marked good with A; app bundle 3
     * ({@code unhealthy}: its health check never passes) goes on trial and is reverted to 2 by
     * itself. The named volume keeps what version 1 wrote. Then the rules with the OS: an OS update to
     * B (the same OS in B, the environment as rauc install leaves it) runs B's own applications,
     * not the set marked good with A; a rollback to A runs app bundle 2 again.
     */
    ScenarioResult appUpdate(Profile healthy, Profile unhealthy) throws IOException, InterruptedException {
        Path dir = sys.work.resolve("app-update");
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        GeneratedFiles gen = sys.gen;
        Device d = sys.device(dir, gen);
        Scenario s = new Scenario("app-update", "app bundles on a running device: version 2 is refused while it does not fit on"
                + " /data, then goes on trial, is healthy and marked"
                + " good with slot A; version 3 never becomes healthy and version 2 runs again by itself; no reboot, both root"
                + " slots untouched, the named volume kept; an OS update to B runs B's own applications, a rollback to A"
                + " runs version 2 again");
        d.build();
        // two trials in the first boot, each stopping and starting containers under emulation (about 4 minutes each at load 4)
        d.bootTimeoutSeconds = 2 * SystemScenarios.BOOT_TIMEOUT_SECONDS;
        RaucHost rauc = RaucHost.prepare(RaucHost.defaultDir());
        Path keys = sys.work.resolve("keys");
        byte[] keyring = Files.readAllBytes(keys.resolve(DevelopmentKeys.CA_CERT));
        appsGroup.appBundle(healthy, keys, keyring, "web-2", d.share.resolve("web-2.raucb")).make(rauc);
        appsGroup.appBundle(unhealthy, keys, keyring, "web-3", d.share.resolve("web-3.raucb")).make(rauc);
        d.share("slot-devices", (sys.partition("rootA") + "\n" + sys.partition("rootB") + "\n").getBytes(StandardCharsets.UTF_8));
        String update = resource("boottest/system/app-update.sh");
        d.task(update + """
                before=$(slots)
                volume=$(podman volume inspect web_state --format '{{.Mountpoint}}')
                echo "written by version 1" > "$volume/marker" && sync
                echo "page of version 1: $(probe 8080)"
                repo=$(ls -la /data/moducop/app-repo | sha256sum)
                free=$(df -Pk /data | awk 'NR == 2 { print $4 }')
                fallocate -l $(((free - 40 * 1024) * 1024)) /data/boottest-filler
                echo "full: $(df -Pk /data | awk 'NR == 2 { print $4 }') KiB free"
                rauc install /run/boottest/web-2.raucb > /run/boottest/full.log 2>&1
                echo "full: rauc install exit $?: $({ cat /run/boottest/full.log; journalctl -b -u rauc --no-pager -o cat; } | grep -o 'app bundle refused.*' | tail -n 1)"
                if [ "$(ls -la /data/moducop/app-repo | sha256sum)" = "$repo" ]; then echo "full: repository unchanged"; else echo "full: repository changed"; fi
                rm -f /data/boottest-filler
                app_update web-2 /run/boottest/web-2.raucb web-2
                echo "page after web-2: $(probe 8080)"
                app_update web-3 /run/boottest/web-3.raucb web-3
                echo "page after web-3: $(probe 8080)"
                echo "volume after the updates: $(cat "$volume/marker" 2>&1)"
                echo "env after the updates: $(fw_printenv BOOT_ORDER 2>&1 | tr '\\n' ' ')"
                if [ "$(slots)" = "$before" ]; then echo "root slots after the updates: unchanged"; else echo "root slots after the updates: changed"; fi
                echo "containers: $(podman ps -a --format '{{.Names}} {{.Image}} {{.Status}}' | tr '\\n' ';')"
                sync
                """);
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
        s.expect(taskLine(c, "page of version 1:").contains("hello from the web service"), "version 1 (the slot's) answers first",
                taskLine(c, "page of version 1:"));
        s.expect(task(c, "full: rauc install exit 1: app bundle refused, nothing written: it does not fit on /data"),
                "with 40 MiB free on /data app bundle 2 is refused before anything is written", taskLine(c, "full: rauc install"));
        s.expect(task(c, "full: repository unchanged"), "and the repository is as it was", taskLine(c, "full: repository"));
        s.expect(task(c, "web-2: rauc install exit 0"), "rauc install of app bundle 2 succeeded", taskLine(c, "web-2: rauc install"));
        s.expect(taskLine(c, "web-2: outcome after").endsWith("app bundle web-2: healthy; marked good with slot A"),
                "app bundle 2 went on trial, became healthy and was marked good with A", taskLine(c, "web-2: outcome after"));
        s.expect(taskLine(c, "page after web-2:").contains("hello from version 2"), "version 2 answers", taskLine(c, "page after web-2:"));
        s.expect(task(c, "web-3: rauc install exit 0"), "rauc install of app bundle 3 succeeded (RAUC has no health gate)",
                taskLine(c, "web-3: rauc install"));
        String three = taskLine(c, "web-3: outcome after");
        s.expect(three.contains("app bundle web-3: not healthy (") && three.endsWith("reverted to app bundle web-2"),
                "app bundle 3 never became healthy within its health-timeout and version 2 runs again by itself", three);
        s.expect(taskLine(c, "page after web-3:").contains("hello from version 2"), "version 2 answers again", taskLine(c, "page after web-3:"));
        s.expect(taskLine(c, "web-3: moducop-app status: slot A,").endsWith("runs app bundle web-2"),
                "moducop-app status: A runs version 2", taskLine(c, "web-3: moducop-app status: slot A,"));
        s.expect(task(c, "web-3: moducop-app status: last app bundle: app bundle web-3: not healthy"),
                "moducop-app status says what became of bundle 3", taskLine(c, "web-3: moducop-app status: last app bundle:"));
        s.expect(task(c, "volume after the updates: written by version 1"), "the named volume kept version 1's data through the"
                + " update and the revert", taskLine(c, "volume after the updates:"));
        s.expect(task(c, "env after the updates: BOOT_ORDER=A B"), "the boot environment is unchanged", taskLine(c, "env after the updates:"));
        s.expect(task(c, "root slots after the updates: unchanged"), "neither root slot was written", taskLine(c, "root slots after the updates:"));
        s.expect(c.has("BOOTTEST: done") && c.lines().stream().filter(l -> l.contains("BOOTTEST: start after")).count() == 1,
                "one boot: the updates and the revert needed no reboot", c.line("BOOTTEST: done").orElse("no report"));
        c.lines().stream().filter(l -> l.contains("BOOTTEST-TASK: web-") && l.contains(": journal: "))
                .forEach(l -> s.evidence.add("console: " + l.substring(l.indexOf("BOOTTEST-TASK: ") + 15).strip()));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        // An OS update over the newer applications: B (written as rauc install leaves it) runs the
        // applications it ships with; then a rollback: A runs app bundle 2 again, marked good with it.
        UBootEnvImage.update(d.pflash, java.util.Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(gen.profile().bootAttempts())));
        String after = """
                echo "WHEN page: $(probe 8080)"
                moducop-app status 2>&1 | sed 's/^/WHEN: moducop-app status: /'
                volume=$(podman volume inspect web_state --format '{{.Mountpoint}}')
                echo "WHEN volume: $(cat "$volume/marker" 2>&1)"
                """;
        d.task(update + after.replace("WHEN", "B") + "rauc status mark-active other > /dev/null 2>&1; echo \"rollback: exit $?\"\n");
        c = d.boot(s);
        sys.expectSystemUp(s, c, "B");
        s.expect(taskLine(c, "B page:").contains("hello from the web service"),
                "OS update to B: B runs the applications it ships with (version 1), not the bundle marked good with A", taskLine(c, "B page:"));
        s.expect(taskLine(c, "B: moducop-app status: slot B,").endsWith("runs the slot's own applications"),
                "OS update to B: moducop-app status says so", taskLine(c, "B: moducop-app status: slot B,"));
        s.expect(task(c, "B: moducop-app status: slot A: marked good with app bundle web-2"),
                "OS update to B: A keeps app bundle 2 marked good with it", taskLine(c, "B: moducop-app status: slot A:"));
        s.expect(c.has("moducop-health: slot B is healthy and marked good"), "OS update to B: B marked good", c.line("moducop-health:").orElse(null));
        s.expect(task(c, "B volume: written by version 1"), "OS update to B: the named volume kept its data", taskLine(c, "B volume:"));
        s.expect(task(c, "rollback: exit 0"), "rauc status mark-active other (a rollback to A)", taskLine(c, "rollback:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        d.task(update + after.replace("WHEN", "A"));
        c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
        s.expect(taskLine(c, "A page:").contains("hello from version 2"), "rollback to A: A runs app bundle 2 again, marked good with it",
                taskLine(c, "A page:"));
        s.expect(taskLine(c, "A: moducop-app status: slot A,").endsWith("runs app bundle web-2"),
                "rollback to A: moducop-app status says so", taskLine(c, "A: moducop-app status: slot A,"));
        s.expect(!c.has("moducop-app-load: web: "), "rollback to A: nothing loaded (B's mark-good kept version 2's images for A)",
                c.line("moducop-app-load: web: ").orElse(null));
        s.expect(c.has("moducop-health: slot A is healthy and marked good"), "rollback to A: the health gate judged version 2 and marked A good",
                c.line("moducop-health:").orElse(null));
        s.expect(task(c, "A volume: written by version 1"), "rollback to A: the named volume still holds version 1's data",
                taskLine(c, "A volume:"));
        return finish(s, d);
    }
    /**
     * {@code versions.size()} app bundles in a row on one boot of slot A, each with its own image:
     * each goes on trial, is healthy, marked good and answers; afterwards only what the rules keep
     * is on /data (the slot's own images, the set marked good, RAUC's last artifact), so /data does
     * not grow from the second update to the last by more than {@code slackKiB}.
     */
    ScenarioResult manyUpdates(List<Profile> versions, int slackKiB) throws IOException, InterruptedException {
        Path dir = sys.work.resolve("app-updates");
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        Device d = sys.device(dir, sys.gen);
        Scenario s = new Scenario("app-updates", versions.size() + " app bundles in a row on a running device: each healthy,"
                + " marked good and answering; /data bounded");
        d.build();
        // every trial stops and starts two containers under emulation (66-123 s each at load 5)
        d.bootTimeoutSeconds = SystemScenarios.BOOT_TIMEOUT_SECONDS + 240 * versions.size();
        RaucHost rauc = RaucHost.prepare(RaucHost.defaultDir());
        Path keys = sys.work.resolve("keys");
        byte[] keyring = Files.readAllBytes(keys.resolve(DevelopmentKeys.CA_CERT));
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < versions.size(); i++) {
            String name = "web-u" + (i + 1);
            appsGroup.appBundle(versions.get(i), keys, keyring, name, d.share.resolve(name + ".raucb")).make(rauc);
            names.append(name).append('\n');
        }
        d.share("bundles", names.toString().getBytes(StandardCharsets.UTF_8));
        d.task(resource("boottest/system/app-update.sh") + """
                used() { du -sk /data/containers /data/moducop | awk '{ s += $1 } END { print s }'; }
                echo "before: data $(used) KiB"
                for b in $(cat /run/boottest/bundles); do
                    app_update "$b" "/run/boottest/$b.raucb" "$b"
                    page=$(probe 8080 | tail -c 40)
                    sets=$(ls -d /data/moducop/apps/.set-* 2> /dev/null | wc -l)
                    echo "after $b: page $page; data $(used) KiB; images $(podman images -q | sort -u | wc -l); sets $sets"
                done
                sync
                """);
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
        long second = -1;
        long most = -1;
        String last = "";
        for (int i = 0; i < versions.size(); i++) {
            String name = "web-u" + (i + 1);
            s.expect(taskLine(c, name + ": outcome after").endsWith("app bundle " + name + ": healthy; marked good with slot A"),
                    name + " went on trial, was healthy and was marked good", taskLine(c, name + ": outcome after"));
            last = taskLine(c, "after " + name + ": ");
            s.expect(last.contains("hello from version " + (i + 2)), name + " answers with its own page", last);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("; data ([0-9]+) KiB;").matcher(last);
            long kib = m.find() ? Long.parseLong(m.group(1)) : -1;
            if (i == 1) {
                second = kib;
            }
            most = Math.max(most, i >= 1 ? kib : -1);
        }
        s.expect(second > 0 && most <= second + slackKiB, "/data (containers and moducop) grew by at most " + slackKiB
                + " KiB from the second update to the last", "after the second: " + second + " KiB, most after it: " + most + " KiB");
        s.expect(last.matches(".*; images [12]; sets 1$"), "after the last update: the slot's image and the last bundle's, one set", last);
        s.evidence.add("before: " + taskLine(c, "before: data"));
        return finish(s, d);
    }
}
