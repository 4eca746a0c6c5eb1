package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.resource;
import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.apps.ImageRef;
import io.moducop.boottest.SystemScenarios.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The apps-update scenario, which only SystemScenariosTest runs (it needs three versions of an
 * application, which the test builds in a local registry): boot-test --system's apps group
 * ({@link AppsScenarios}) through updates, a rollback and a prune.
 */
final class AppsUpdateScenario {

    private final SystemScenarios sys;
    private final AppsScenarios appsGroup;
    private final GeneratedFiles gen;
    private final Path work;
    private final DiskBuilder disks;

    AppsUpdateScenario(SystemScenarios sys) {
        this.sys = sys;
        this.appsGroup = new AppsScenarios(sys);
        this.gen = sys.gen;
        this.work = sys.work;
        this.disks = sys.disks;
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
    ScenarioResult appsUpdate(GeneratedFiles v2, GeneratedFiles v3) throws IOException, InterruptedException {
        Path dir = work.resolve("apps-update");
        run("rm", "-rf", dir.toString());
        Files.createDirectories(dir);
        Device d = sys.device(dir, gen);
        int attempts = gen.profile().bootAttempts();
        List<io.moducop.apps.App> apps = gen.profile().apps();
        Scenario s = new Scenario("apps-update", "applications through an update (B runs version 2, A's images kept), a rollback"
                + " (A runs version 1 offline, nothing loaded) and a second update (version 3 prunes version 2)");
        disks.assembleSystem(d.disk, disks.bootPartition(gen.bootCmd()), new DiskBuilder.SystemSlot("rootA", sys.spec(gen, "A", List.of())),
                new DiskBuilder.SystemSlot("rootB", sys.spec(v2, "B", List.of())));
        List<String> ports = AppsScenarios.ports(apps);
        d.share("probe-ports", (String.join("\n", ports) + "\n").getBytes(StandardCharsets.UTF_8));
        String check = resource("boottest/system/apps-check.sh");
        List<String> v1 = hexes(gen);
        List<String> two = hexes(v2);
        List<String> three = hexes(v3);

        d.task(check);
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
        expectVersion(s, c, apps, ports, "version 1 in A", v1, true);
        s.expect(c.has("moducop-health: slot A is healthy and marked good"), "version 1 in A: marked good", c.line("moducop-health:").orElse(null));
        s.evidence.add("version 1 in A: " + taskLine(c, "data use:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        UBootEnvImage.update(d.pflash, Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(attempts)));
        d.task(check + "\nrauc status mark-active other > /dev/null 2>&1; echo \"rollback: rauc status mark-active other exit $?\"\n");
        c = d.boot(s);
        sys.expectSystemUp(s, c, "B");
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
        sys.expectSystemUp(s, c, "A");
        expectVersion(s, c, apps, ports, "rollback to version 1 in A", v1, false);
        expectImages(s, c, "rollback to version 1 in A: version 2's images stay for B", two, true);
        s.evidence.add("rollback to A: " + taskLine(c, "data use:"));
        if (!s.failures.isEmpty()) {
            return finish(s, d);
        }

        disks.replace(d.disk, "rootB", new DiskBuilder.SystemSlot("rootB", sys.spec(v3, "B", List.of())));
        UBootEnvImage.update(d.pflash, Map.of("BOOT_ORDER", "B A", "BOOT_B_LEFT", Integer.toString(attempts)));
        for (int n = 4; n < 4 + CHURN; n++) {
            churnVersion(d.share.resolve("churn/" + n), n);
        }
        d.task(check + "\n" + resource("boottest/system/apps-churn.sh"));
        c = d.boot(s);
        sys.expectSystemUp(s, c, "B");
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
        appsGroup.makeOci(archive, name, "hello from version " + n);
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

    private static List<String> hexes(GeneratedFiles g) {
        return g.profile().apps().stream().flatMap(a -> a.compose().images().stream()).map(ImageRef::hex).distinct().toList();
    }

    /** The applications up with the images {@code hexes}: loaded from the slot now ({@code loaded}) or already on /data. */
    private static void expectVersion(Scenario s, BootConsole c, List<io.moducop.apps.App> apps, List<String> ports, String when,
                                      List<String> hexes, boolean loaded) {
        AppsScenarios.expectAppsUp(s, c, apps, ports, when + ": ");
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
}
