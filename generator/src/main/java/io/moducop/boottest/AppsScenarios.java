package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.resource;
import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.apps.ComposeFile;
import io.moducop.boottest.SystemScenarios.Device;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * --system's container scenarios: containers (docker compose on podman) and apps (the profile's
 * applications from the images in the slot).
 */
final class AppsScenarios extends ScenarioGroup {

    AppsScenarios(SystemScenarios sys) {
        super(sys);
    }

    /**
     * The apps scenario's guest reaches no network: podman trying a registry means the slot's
     * images were not loaded, and podman-compose then waits for the missing service's container.
     */
    static final String REGISTRY_PULL = "Error: initializing source docker://";
    static final List<String> APPS_DEAD_END = java.util.stream.Stream.concat(SystemScenarios.DEAD_END.stream(), java.util.stream.Stream.of(REGISTRY_PULL)).toList();

    ScenarioResult containers(Device d) throws IOException, InterruptedException {
        Scenario s = new Scenario("containers", "docker is podman; docker compose up -d of two services from a local OCI archive;"
                + " one reaches the other by name; storage on /data; services back after a reboot");
        d.build();
        d.share("compose.yaml", resource("boottest/system/compose.yaml").getBytes(StandardCharsets.UTF_8));
        Path oci = d.share.resolve("images.tar");
        makeOci(oci, IMAGE, null);
        d.taskResource("containers-up.sh");
        BootConsole c = d.boot(s);
        sys.expectSystemUp(s, c, "A");
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
        sys.expectSystemUp(s, again, "A");
        s.expect(task(again, "running after reboot: 2"), "after a reboot both services (restart: always) run again",
                taskLine(again, "running after reboot") + " | " + enabled);
        s.expect(task(again, "client reaches web by name after reboot: hello"), "and reach each other",
                taskLine(again, "client reaches web by name after reboot"));
        return finish(s, d);
    }

    ScenarioResult apps(Device d) throws IOException, InterruptedException {
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
        sys.expectSystemUp(s, c, "A");
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
        sys.expectSystemUp(s, again, "A");
        expectAppsUp(s, again, apps, ports, "after a reboot: ");
        for (io.moducop.apps.App a : apps) {
            s.expect(!task(again, "moducop-app-load: " + a.name() + ": "), "after a reboot: no image of " + a.name()
                    + " loaded again (they are on /data)", taskLine(again, "moducop-app-load: " + a.name()));
        }
        return finish(s, d);
    }

    /**
     * An app bundle as {@code moducop app-bundle} makes it (RAUC 1.13 from the host's trixie tree,
     * boot-test's development keys), installed by the guest's RAUC into the artifact repository the
     * generated system.conf names; then one signed under another CA.
     */
    ScenarioResult appInstall(Device d) throws IOException, InterruptedException {
        List<io.moducop.apps.App> apps = gen.profile().apps();
        Scenario s = new Scenario("app-install", "rauc install of an app bundle: the applications land in the apps repository on"
                + " /data, go on trial and, healthy, run from there, marked good with the slot; the root slots and the boot"
                + " environment stay as they were; a bundle from another CA, one for another compatible and a tampered one are refused");
        if (apps.isEmpty()) {
            s.expect(false, "the profile declares applications", "no apps: in the profile");
            return finish(s, d);
        }
        d.build();
        io.moducop.ota.RaucHost rauc = io.moducop.ota.RaucHost.prepare(io.moducop.ota.RaucHost.defaultDir());
        Path keys = work.resolve("keys");
        Path otherKeys = sys.otherCaKeys();
        byte[] keyring = Files.readAllBytes(keys.resolve(io.moducop.ota.DevelopmentKeys.CA_CERT));
        byte[] otherKeyring = Files.readAllBytes(otherKeys.resolve(io.moducop.ota.DevelopmentKeys.CA_CERT));
        long t0 = System.nanoTime();
        io.moducop.ota.AppBundle.Made made = appBundle(gen.profile(), keys, keyring, "boottest-apps", d.share.resolve("apps.raucb")).make(rauc);
        appBundle(gen.profile(), otherKeys, otherKeyring, "boottest-apps", d.share.resolve("other-ca-apps.raucb")).make(rauc);
        io.moducop.profile.Profile.Ota ota = gen.profile().ota();
        appBundle(gen.profile().withOta(new io.moducop.profile.Profile.Ota(ota.client(), "another-board", ota.keyringPem(),
                ota.signingKey(), ota.signingCert())), keys, keyring, "boottest-apps", d.share.resolve("other-compatible-apps.raucb")).make(rauc);
        // one byte of the payload (the squashfs with the artifacts) flipped; the signed manifest stays
        byte[] tampered = Files.readAllBytes(d.share.resolve("apps.raucb"));
        tampered[tampered.length / 2] ^= 0x01;
        Files.write(d.share.resolve("tampered-apps.raucb"), tampered);
        s.evidence.add(String.format(java.util.Locale.ROOT, "app bundles made on the host with %s in %.0f s: %d bytes, %s, version %s",
                rauc.version(), (System.nanoTime() - t0) / 1e9, made.bytes(), String.join(" ", made.apps()), made.version()));
        d.share("app-names", apps.stream().map(a -> a.name() + "\n").collect(java.util.stream.Collectors.joining())
                .getBytes(StandardCharsets.UTF_8));
        d.share("slot-devices", (sys.partition("rootA") + "\n" + sys.partition("rootB") + "\n").getBytes(StandardCharsets.UTF_8));
        List<String> ports = ports(apps);
        d.share("probe-ports", (String.join("\n", ports) + "\n").getBytes(StandardCharsets.UTF_8));
        d.share("update-url", UpdateServer.URL.getBytes(StandardCharsets.UTF_8));
        d.task(resource("boottest/system/app-update.sh") + resource("boottest/system/app-install.sh")
                + resource("boottest/system/apps-check.sh"));
        Path serverLog = d.dir.resolve("update-server.log");
        BootConsole c;
        try (UpdateServer server = UpdateServer.start(sys.assets.tool("busybox").toString(), d.share, serverLog)) {
            d.updateServer = server;
            d.notes.add("harness: busybox httpd on 127.0.0.1 serves the bundles, reached by the guest as " + UpdateServer.URL
                    + " and nothing else (QEMU's user network, restrict=on, one guestfwd): the update server a streamed install reads");
            c = d.boot(s);
            List<String> codes = server.responses();
            s.expect(codes.contains("206"), "the streamed installs read the bundles with HTTP range requests (206 Partial Content)",
                    "update server: " + codes.size() + " responses, " + codes.stream().filter("206"::equals).count() + " of them 206");
        } finally {
            d.updateServer = null;
        }
        sys.expectSystemUp(s, c, "A");
        s.expect(task(c, "other-CA app bundle: rauc install exit 1"), "an app bundle signed under another CA is refused",
                taskLine(c, "other-CA app bundle"));
        s.expect(task(c, "other-compatible app bundle: rauc install exit 1"), "an app bundle for another compatible is refused",
                taskLine(c, "other-compatible app bundle"));
        s.expect(task(c, "tampered app bundle: rauc install exit 1"), "an app bundle with one payload byte flipped is refused",
                taskLine(c, "tampered app bundle"));
        // refused after the bundle was mounted from the stream: reading the flipped byte, not for want of a block device
        String streamedTampered = taskLine(c, "tampered app bundle, streamed");
        s.expect(task(c, "tampered app bundle, streamed: rauc install exit 1: LastError: ")
                && !streamedTampered.contains("mounting bundle"), "and refused when streamed over HTTP, once mounted", streamedTampered);
        s.expect(task(c, "repository after refused bundles: no application"), "and none of the three installs an application",
                taskLine(c, "repository after refused bundles:"));
        // RAUC 1.13 leaves the tampered artifact's partial copy (.artifact-NAME-HASH.tmp) until its next install prunes it
        s.evidence.add(taskLine(c, "repository after refused bundles, RAUC's temporary copies:"));
        s.expect(task(c, "apps bundle install: rauc install exit 0"), "rauc install of the app bundle succeeded, streamed"
                + " from the update server (" + UpdateServer.URL + "apps.raucb)", taskLine(c, "apps bundle install:"));
        s.expect(task(c, "streaming: ") && !task(c, "streaming: 0 lines"), "RAUC read it through a network block device",
                taskLine(c, "streaming:"));
        for (io.moducop.apps.App a : apps) {
            s.expect(task(c, "artifact " + a.name() + ": link to .artifact-"), a.name() + " is an artifact of the apps repository"
                    + " (a link to its content-addressed directory)", taskLine(c, "artifact " + a.name() + ":"));
            s.expect(task(c, "artifact " + a.name() + " compose.yaml: same as the slot's"),
                    a.name() + "'s compose file is the profile's (the slot's copy)", taskLine(c, "artifact " + a.name() + " compose.yaml:"));
            int pinned = a.compose().images().size();
            s.expect(task(c, "artifact " + a.name() + " images: " + pinned + " manifests"), a.name() + "'s OCI layout has its "
                    + pinned + " pinned image(s)", taskLine(c, "artifact " + a.name() + " images:"));
        }
        s.expect(task(c, "apps bundle install: outcome after") && taskLine(c, "apps bundle install: outcome after")
                .endsWith("app bundle boottest-apps: healthy; marked good with slot A"),
                "moducop-app-update tried the bundle's applications and marked them good with slot A",
                taskLine(c, "apps bundle install: outcome after"));
        s.expect(task(c, "apps bundle install: moducop-app status: slot A, root file system ")
                && taskLine(c, "apps bundle install: moducop-app status: slot A").endsWith(": runs app bundle boottest-apps"),
                "moducop-app status: slot A runs the app bundle's applications", taskLine(c, "apps bundle install: moducop-app status: slot A"));
        expectAppsUp(s, c, apps, ports, "after the app bundle: ");
        s.expect(task(c, "repository after the install, RAUC's temporary copies: 0"), "the install removed what the refused"
                + " tampered bundle left", taskLine(c, "repository after the install, RAUC's temporary copies:"));
        s.expect(task(c, "env after app bundle: BOOT_ORDER=A B"), "the boot environment is unchanged (no slot switch, no reboot)",
                taskLine(c, "env after app bundle"));
        s.expect(task(c, "root slots after app bundle: unchanged"), "neither root slot was written",
                taskLine(c, "root slots after app bundle"));
        return finish(s, d);
    }

    /** An app bundle of {@code profile}'s applications as {@code moducop app-bundle} makes it, signed with {@code keys}. */
    io.moducop.ota.AppBundle.Plan appBundle(io.moducop.profile.Profile profile, Path keys, byte[] keyring, String version, Path out) {
        return new io.moducop.ota.AppBundle.Plan(profile, sys.images, io.moducop.apps.Platform.parse(profile.base().containerPlatform()),
                new io.moducop.bitbake.RaucSigning(keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_KEY),
                        keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_CERT), keys),
                keyring, version, out);
    }

    static List<String> ports(List<io.moducop.apps.App> apps) {
        return apps.stream().flatMap(a -> a.compose().services().stream()).flatMap(v -> v.ports().stream())
                .map(p -> p.replaceFirst("/(tcp|udp)$", "").split(":")).map(f -> f[f.length - 2]).toList();
    }

    /** Every application's unit active, every service running, every published port answering HTTP. */
    static void expectAppsUp(Scenario s, BootConsole c, List<io.moducop.apps.App> apps, List<String> ports, String when) {
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

    static final String IMAGE = "localhost/boottest-busybox:1";

    /** boot-test's arm64 busybox image as an OCI archive named {@code ref} (make-oci.sh; {@code page} null: its default page). */
    void makeOci(Path out, String ref, String page) throws IOException {
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
}
