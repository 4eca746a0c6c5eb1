package io.moducop.boottest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.HostTools;
import io.moducop.apps.ImageCache;
import io.moducop.apps.ImageRef;
import io.moducop.apps.LocalRegistry;
import io.moducop.apps.Platform;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * boot-test --system for real: the generated files on an arm64 Debian userland with systemd,
 * podman and RAUC under QEMU. Each scenario also runs once with the mechanism it proves taken
 * away, and must fail then. The test methods run two at a time (one QEMU each: the machine has two
 * cores); the class as a whole runs alone, not beside the other QEMU test classes. Needs root (the userland is built with mmdebstrap, once, cached in
 * MODUCOP_BOOT_TEST_CACHE, default ~/.cache/moducop/boot-test). The longest tests start first, so
 * that the two lanes end close together.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemScenariosTest {

    static Path cache;
    static HostAssets assets;

    @TempDir
    Path work;

    @BeforeAll
    static void host() {
        HostTools.require("qemu-system-aarch64", "qemu-system-arm (from bookworm-backports)");
        HostTools.require("mmdebstrap", "mmdebstrap");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("SKIPPED: boot-test --system builds its userland as root");
        }
        cache = Path.of(System.getenv().getOrDefault("MODUCOP_BOOT_TEST_CACHE",
                System.getProperty("user.home") + "/.cache/moducop/boot-test"));
        assets = HostAssets.prepareSystem(cache); // once: the tests below run two at a time
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            // a board here ends with up to both root slots written: a run that dies of "No space left" shows why
            System.out.printf("SystemScenariosTest: %.1f GiB free in %s (two boards at a time, up to 2 GiB each)%n",
                    Files.getFileStore(tmp).getUsableSpace() / (double) (1L << 30), tmp);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static GeneratedFiles defaults() {
        Profile p = ProfileLoader.loadDefault();
        return GeneratedFiles.of(p, p);
    }

    private List<ScenarioResult> run(GeneratedFiles gen, String... ids) throws IOException, InterruptedException {
        return new SystemScenarios(assets, gen, work).run(List.of(ids), 1);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void systemBootPassesForTheDefaultProfile() {
        Cli r = Cli.run("boot-test", "--system", "--cache", cache.toString(), "--work", work.toString(), "--scenario", "system-boot");
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("PASS system-boot"), r.out());
        assertTrue(r.out().contains("systemd reached multi-user.target"), r.out());
    }

    /**
     * The Pi profile's mark-good on the Pi's own U-Boot (raspi4b): the real health gate writes
     * uboot.env on the card's FAT partition through the generated fw_env.config; read back here.
     */
    @Order(5)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void piMarkGoodWritesUbootEnvOnTheBootPartition() {
        Cli r = Cli.run("boot-test", "--system", "--cache", cache.toString(), "--work", work.toString(), "--scenario", "mark-good",
                "profiles/raspberrypi4-64.yaml");
        System.out.println(r.out());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("PASS mark-good"), r.out());
        assertTrue(r.out().contains("the health gate marked A good"), r.out());
        assertTrue(r.out().contains("U-Boot env BOOT_A_LEFT=3"), r.out());
        assertTrue(r.out().contains("fw_env.config: /uboot/uboot.env"), r.out());
    }

    /** The issue's defect, made on purpose: a wic fstab line for a disk the board does not have. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aStrayFstabLineFailsSystemBoot() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        GeneratedFiles broken = good.withFstab(good.fstab() + "/dev/sda1\t/uboot\tvfat\tdefaults\t0\t0\n");
        ScenarioResult r = run(broken, "system-boot").get(0);
        assertFalse(r.passed(), "an fstab line for a missing disk must fail system-boot: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("sda1") || f.contains("emergency")), r.failures().toString());
    }

    /** Without the generated storage.conf's graphroot, podman keeps its images in the tmpfs /var/lib: containers fails. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheGraphrootOnDataContainersFails() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        String path = "meta-moducop-distro/recipes-containers/container-host-config/files/storage.conf";
        String conf = new String(good.files().get(path), UTF_8);
        String dropped = conf.lines().filter(l -> !l.startsWith("graphroot")).reduce("", (a, b) -> a + b + "\n");
        assertFalse(dropped.equals(conf), "the mutation must change storage.conf");
        ScenarioResult r = run(good.withFile(path, dropped.getBytes(UTF_8)), "containers").get(0);
        assertFalse(r.passed(), "storage off /data must fail containers: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("container storage is on /data")), r.failures().toString());
    }

    /** A system.conf whose bootloader backend does not write the environment: mark-good must fail. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheUbootBackendMarkGoodFails() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        String path = "meta-moducop/dynamic-layers/rauc/recipes-core/rauc/files/moducop-qemuarm64/system.conf";
        String conf = new String(good.files().get(path), UTF_8);
        String noop = conf.replace("bootloader=uboot", "bootloader=noop");
        assertFalse(noop.equals(conf), "the mutation must change system.conf");
        ScenarioResult r = run(good.withFile(path, noop.getBytes(UTF_8)), "mark-good").get(0);
        assertFalse(r.passed(), "a mark-good that never writes the environment must fail: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("BOOT_A_LEFT")), r.failures().toString());
    }

    /**
     * A two-service application whose images come from Debian's docker-registry on 127.0.0.1
     * (busybox-static for arm64, FROM scratch): fetched into an image cache, preloaded into the
     * slot; the guest's network reaches nothing.
     */
    @Order(2)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void appsStartOfflineOnTheFirstBootAnswerAndRunAgainAfterAReboot() throws IOException, InterruptedException {
        ScenarioResult r = apps(false);
        assertTrue(r.passed(), "apps: " + r.failures() + " " + r.evidence());
    }

    /** moducop-app-load made a no-op: nothing puts the slot's images into podman, and the guest can fetch nothing. */
    @Order(3)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutLoadingThePreloadedImagesAppsFail() throws IOException, InterruptedException {
        ScenarioResult r = apps(true);
        assertFalse(r.passed(), "apps must fail when the slot's images are not loaded: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("podman never tried a registry")), r.failures().toString());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("service web of web runs")), r.failures().toString());
    }

    /**
     * A two-service application whose images come from Debian's docker-registry on 127.0.0.1
     * (busybox-static for arm64, FROM scratch): fetched into an image cache, preloaded into the
     * slot; the guest's network reaches nothing.
     */
    private ScenarioResult apps(boolean withoutLoad) throws IOException, InterruptedException {
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = withApp(registry, images, 1);
            if (withoutLoad) {
                g = g.withFile(APPS + "moducop-app-load", "#!/bin/sh\n# removed: the slot's images are never loaded\nexit 0\n".getBytes(UTF_8));
            }
            ScenarioResult r = new SystemScenarios(assets, g, work.resolve("bt"), images).run(List.of("apps"), 1).get(0);
            System.out.println((withoutLoad ? "without loading the images: " : "") + r);
            return r;
        }
    }

    /**
     * moducop run, the app developer's loop: the profile's system boots (as boot-test builds it) and
     * its application answers on the host's 127.0.0.1:8080 through the forward; SSH answers too.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void runBootsTheSystemAndItsApplicationAnswersOnTheHost() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with an application, about 4 minutes)");
        }
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = withApp(registry, images, 1);
            java.io.StringWriter said = new java.io.StringWriter();
            Path dir = Files.createDirectories(work.resolve("run"));
            int rc = InteractiveRun.run(assets, g, images, dir, new InteractiveRun.Options(Qemu.freePort(), null, true, 900,
                    dir.resolve("console.log")), new java.io.PrintWriter(said, true));
            System.out.println(said);
            assertEquals(0, rc, said.toString());
            assertTrue(said.toString().matches("(?s).*web port 8080 on 127\\.0\\.0\\.1:8080 \\(HTTP/1\\.[01] 200 OK\\).*"), said.toString());
            assertTrue(said.toString().matches("(?s).*ssh on 127\\.0\\.0\\.1:[0-9]+ \\(SSH-2\\.0-OpenSSH_.*"), said.toString());
        }
    }

    /**
     * An app bundle made by moducop app-bundle (RAUC 1.13 on the host) installed by the guest's RAUC
     * into the generated system.conf's artifact repository on /data, nothing else changed.
     */
    @Order(2)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void anAppBundleInstallsIntoTheRepositoryOnDataAndLeavesTheSlotsAlone() throws IOException, InterruptedException {
        ScenarioResult r = appInstall(false);
        assertTrue(r.passed(), "app-install: " + r.failures() + " " + r.evidence());
    }

    /** system.conf without its [artifacts.apps] repository: RAUC has nowhere to put the applications. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheArtifactRepositoryAnAppBundleIsRefused() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with applications, about 5 minutes idle)");
        }
        ScenarioResult r = appInstall(true);
        assertFalse(r.passed(), "app-install must fail without the artifact repository: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("rauc install of the app bundle succeeded")), r.failures().toString());
    }

    /**
     * system.conf naming the compatible that app-install's "other compatible" bundle was made for:
     * RAUC's compatible check is system.conf's line, and the scenario must see that bundle taken.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withAnotherCompatibleInSystemConfTheOtherBundleIsTaken() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with applications, about 5 minutes idle)");
        }
        ScenarioResult r = appInstall("with compatible=another-board in system.conf",
                conf -> conf.replaceFirst("(?m)^compatible=.*$", "compatible=another-board"));
        assertFalse(r.passed(), "app-install must fail when system.conf names the other compatible: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("an app bundle for another compatible is refused")), r.failures().toString());
    }

    private ScenarioResult appInstall(boolean withoutRepository) throws IOException, InterruptedException {
        return withoutRepository ? appInstall("without the artifact repository", conf -> {
            String cut = conf.substring(0, conf.indexOf("\n# App bundles")) + "\n";
            assertFalse(cut.contains("[artifacts."), "the mutation must remove the repository");
            return cut;
        }) : appInstall("", null);
    }

    /** The app-install scenario; {@code systemConf} (null: none) changes the generated system.conf. */
    private ScenarioResult appInstall(String label, java.util.function.UnaryOperator<String> systemConf) throws IOException, InterruptedException {
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = withApp(registry, images, 1);
            if (systemConf != null) {
                String path = "meta-moducop/dynamic-layers/rauc/recipes-core/rauc/files/moducop-qemuarm64/system.conf";
                String conf = new String(g.files().get(path), UTF_8);
                String mutated = systemConf.apply(conf);
                assertFalse(mutated.equals(conf), "the mutation must change system.conf");
                g = g.withFile(path, mutated.getBytes(UTF_8));
            }
            ScenarioResult r = new SystemScenarios(assets, g, work.resolve("bt"), images).run(List.of("app-install"), 1).get(0);
            System.out.println(label + (label.isEmpty() ? "" : ": ") + r);
            return r;
        }
    }

    private static final String APPS = "meta-moducop-distro/recipes-containers/moducop-apps/files/";

    /**
     * The default profile with a two-service application (a web server with a health check and a
     * client that reaches it by name) pinned to version {@code version} of boot-test's image, pushed
     * to {@code registry} and fetched into {@code images}.
     */
    private GeneratedFiles withApp(LocalRegistry registry, ImageCache images, int version) throws IOException, InterruptedException {
        return withApp(registry, images, version, true, "");
    }

    /**
     * {@code healthy} false: the web service's health check never passes; {@code more}: further
     * compose lines for the web service (and top-level keys), e.g. a named volume.
     */
    private GeneratedFiles withApp(LocalRegistry registry, ImageCache images, int version, boolean healthy, String more)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("profile-" + version + (healthy ? "" : "-unhealthy") + (more.isEmpty() ? "" : "-more")));
        String page = version == 1 ? "hello from the web service" : "hello from version " + version;
        String digest = registry.push(LocalRegistry.busyboxArchive(dir, "web-" + version + ".tar", page), "moducop/web:" + version);
        String image = registry.host() + "/moducop/web:" + version + "@" + digest;
        String check = healthy ? "\"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/\"" : "\"false\"";
        String[] parts = more.split("(?m)^---\n", -1);
        Files.createDirectories(dir.resolve("apps/web"));
        Files.writeString(dir.resolve("apps/web/compose.yaml"), """
                services:
                  web:
                    image: %1$s
                    command: ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                    ports: ["8080:8080"]
                    restart: always
                    healthcheck:
                      test: ["CMD", "/bin/busybox", %2$s]
                      interval: 10s
                      retries: 3
                %3$s  client:
                    image: %1$s
                    command: ["/bin/sh", "-c", "while true; do wget -q -O /dev/null http://web:8080/; sleep 10; done"]
                    depends_on: [web]
                    restart: always
                %4$s""".formatted(image, check, parts[0], parts.length > 1 ? parts[1] : ""));
        Files.writeString(dir.resolve("board.yaml"), new String(
                getClass().getClassLoader().getResourceAsStream(ProfileLoader.DEFAULT_PROFILE).readAllBytes(), UTF_8)
                + "apps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
        Profile p = ProfileLoader.load(dir.resolve("board.yaml"));
        for (ImageRef ref : p.apps().get(0).compose().images()) {
            images.fetch(ref, Platform.parse("linux/arm64"), "compose.yaml");
        }
        return GeneratedFiles.of(p, p);
    }

    /** The web service's named volume, which app bundles and their reverts must keep. */
    private static final String VOLUME = "    volumes: [\"state:/state\"]\n---\nvolumes:\n  state: {}\n";

    /**
     * App bundles on a running device: 2 healthy, 3 whose health check never passes; {@code
     * withoutRevert}: moducop-app-update keeps whatever it tried.
     */
    private ScenarioResult appUpdate(boolean withoutRevert) throws IOException, InterruptedException {
        return withoutRevert ? appUpdate("without the revert", "moducop-app-update", "if reason=$(start_set); then",
                "if reason=$(start_set) || true; then") : appUpdate("", null, null, null);
    }

    /** The app-update scenario; {@code script} (under moducop-apps' files) mutated: {@code from} replaced by {@code to}, unless null. */
    private ScenarioResult appUpdate(String label, String script, String from, String to) throws IOException, InterruptedException {
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = mutated(withApp(registry, images, 1, true, VOLUME), script, from, to);
            Profile two = withApp(registry, images, 2, true, VOLUME).profile();
            Profile three = withApp(registry, images, 3, false, VOLUME).profile();
            ScenarioResult r = new AppBundleUpdateScenario(new SystemScenarios(assets, g, work.resolve("bt"), images)).appUpdate(two, three);
            System.out.println(label + (label.isEmpty() ? "" : ": ") + r);
            return r;
        }
    }

    /** {@code g} with {@code script} (under moducop-apps' files) changed: {@code from} replaced by {@code to}; unchanged when null. */
    private static GeneratedFiles mutated(GeneratedFiles g, String script, String from, String to) {
        if (script == null) {
            return g;
        }
        String text = new String(g.files().get(APPS + script), UTF_8);
        String changed = text.replace(from, to);
        assertFalse(changed.equals(text), "the mutation must change " + script);
        return g.withFile(APPS + script, changed.getBytes(UTF_8));
    }

    /** 20 app bundles in a row, each with a new image: each healthy and marked good; /data does not grow. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void twentyAppBundlesInARowKeepDataBounded() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with 20 app bundle trials, 25-45 minutes)");
        }
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = withApp(registry, images, 1, true, VOLUME);
            List<Profile> versions = new java.util.ArrayList<>();
            for (int v = 2; v <= 21; v++) {
                versions.add(withApp(registry, images, v, true, VOLUME).profile());
            }
            // one version's image is about 1 MB: growth under a version's size means nothing piles up
            ScenarioResult r = new AppBundleUpdateScenario(new SystemScenarios(assets, g, work.resolve("bt"), images)).manyUpdates(versions, 512);
            System.out.println(r);
            assertTrue(r.passed(), "app-updates: " + r.failures() + " " + r.evidence());
        }
    }

    @Order(1)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void anUnhealthyAppBundleIsRevertedByItselfWithoutAReboot() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (three boots, three app bundles and an OS bundle:"
                    + " 13 minutes in CI, which would take CI past 40 minutes; app-install runs an app bundle's trial in CI)");
        }
        ScenarioResult r = appUpdate(false);
        assertTrue(r.passed(), "app-update: " + r.failures() + " " + r.evidence());
    }

    /** moducop-app-update made to keep what it tried, healthy or not: version 3 stays, and the scenario must see it. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheRevertAnUnhealthyAppBundleKeepsRunning() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with three versions of an application, about 6 minutes idle)");
        }
        ScenarioResult r = appUpdate(true);
        assertFalse(r.passed(), "app-update must fail when an unhealthy bundle is kept: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("version 2 runs again by itself")), r.failures().toString());
    }

    /** moducop-app-preinstall without its space check: with 40 MiB free on /data bundle 2 is no longer refused. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheSpaceCheckAFullDataTakesTheBundle() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (one boot with two app bundle trials, about 10 minutes)");
        }
        ScenarioResult r = appUpdate("without the space check", "moducop-app-preinstall",
                "[ \"$free\" -ge \"$need\" ] || refuse", ": no space check || refuse");
        assertFalse(r.passed(), "app-update must fail when a bundle that does not fit is taken: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("app bundle 2 is refused before anything is written")),
                r.failures().toString());
    }

    /**
     * Power cuts during app bundle installs (MODUCOP_APP_POWER_CUTS of them, 30 unless set; seed
     * MODUCOP_APP_POWER_CUT_SEED): each time A runs the old or the new set, complete and healthy;
     * first, an app bundle for an OS with other applications and one on a slot not marked good
     * change nothing.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void powerCutsDuringAppBundleInstallsLeaveTheOldOrTheNewSet() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (a boot and an app bundle install per cut: 30 cuts take 1-2 hours)");
        }
        int cuts = Integer.parseInt(System.getenv().getOrDefault("MODUCOP_APP_POWER_CUTS", "30"));
        long seed = Long.parseLong(System.getenv().getOrDefault("MODUCOP_APP_POWER_CUT_SEED", "20261208"));
        ScenarioResult r = appPowerCut("", null, null, null, true, seed, cuts, List.of("install", "trial", "prune"));
        assertTrue(r.passed(), "app-power-cut: " + r.failures() + " " + r.evidence());
    }

    /** The trial's mark on /data instead of /run: a cut during a trial leaves a set that was never marked good running. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withTheTrialMarkOnDataACutTrialRunsUnmarked() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (three boots with app bundle installs, about 15 minutes idle)");
        }
        ScenarioResult r = appPowerCut("with the trial mark on /data", "moducop-apps.sh", "MODUCOP_TRIAL=/run/moducop/apps-trial",
                "MODUCOP_TRIAL=/data/moducop/apps/apps-trial", false, 20261208L, 1, List.of("on-trial"));
        assertFalse(r.passed(), "app-power-cut must fail when a cut trial survives the reboot: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("is marked good with A")), r.failures().toString());
    }

    private ScenarioResult appPowerCut(String label, String script, String from, String to, boolean rules, long seed, int cuts,
            List<String> phases) throws IOException, InterruptedException {
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            GeneratedFiles g = mutated(withApp(registry, images, 1, true, VOLUME), script, from, to);
            Profile two = withApp(registry, images, 2, true, VOLUME).profile();
            Profile three = withApp(registry, images, 3, true, VOLUME).profile();
            Profile olderOs = rules ? withAnotherApp(work.resolve("profile-2-more")) : null;
            ScenarioResult r = new AppBundlePowerCut(new SystemScenarios(assets, g, work.resolve("bt"), images))
                    .run(two, three, olderOs, seed, cuts, phases);
            System.out.println(label + (label.isEmpty() ? "" : ": ") + r);
            return r;
        }
    }

    /** The profile in {@code dir} with a second application, legacy (the same image, no port): what an OS that ran other applications took. */
    private static Profile withAnotherApp(Path dir) throws IOException {
        String web = Files.readString(dir.resolve("apps/web/compose.yaml"));
        String image = web.lines().filter(l -> l.strip().startsWith("image: ")).findFirst().orElseThrow().strip().substring(7);
        Files.createDirectories(dir.resolve("apps/legacy"));
        Files.writeString(dir.resolve("apps/legacy/compose.yaml"), """
                services:
                  legacy:
                    image: %s
                    command: ["/bin/busybox", "sleep", "100000"]
                    restart: always
                """.formatted(image));
        Path board = dir.resolve("board-older-os.yaml");
        Files.writeString(board, Files.readString(dir.resolve("board.yaml")) + "  - name: legacy\n    compose: apps/legacy/compose.yaml\n");
        return ProfileLoader.load(board);
    }

    /**
     * Three versions of the application: B updated to 2 (1 kept for A), a rollback to A (1 runs,
     * nothing loaded), B updated to 3 (2 pruned, 1 kept); {@code withoutPrune}: moducop-app-prune made a no-op.
     */
    private ScenarioResult appsUpdate(boolean withoutPrune) throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (four boots with applications: about 15 minutes idle)");
        }
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(work.resolve("registry")))) {
            ImageCache images = new ImageCache(work.resolve("images"), null, false);
            List<GeneratedFiles> v = new java.util.ArrayList<>();
            for (int version = 1; version <= 3; version++) {
                GeneratedFiles g = withApp(registry, images, version);
                v.add(withoutPrune ? g.withFile(APPS + "moducop-app-prune", "#!/bin/sh\n# removed: nothing is pruned\nexit 0\n".getBytes(UTF_8)) : g);
            }
            ScenarioResult r = new AppsUpdateScenario(new SystemScenarios(assets, v.get(0), work.resolve("bt"), images)).appsUpdate(v.get(1), v.get(2));
            System.out.println((withoutPrune ? "without pruning: " : "") + r);
            return r;
        }
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void appsRunThroughAnUpdateARollbackAndAPrune() throws IOException, InterruptedException {
        ScenarioResult r = appsUpdate(false);
        assertTrue(r.passed(), "apps-update: " + r.failures() + " " + r.evidence());
    }

    /** moducop-app-prune made a no-op: version 2's image stays on /data after version 3 is marked good. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutPruningAnUpdateLeavesUnusedImagesOnData() throws IOException, InterruptedException {
        ScenarioResult r = appsUpdate(true);
        assertFalse(r.passed(), "apps-update must fail when nothing is pruned: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("version 2's images pruned")), r.failures().toString());
    }

    private static final String DISTRO = "meta-moducop-distro/recipes-core/";
    private static final String INIT = DISTRO + "moducop-init/files/";

    private ScenarioResult passes(String id) throws IOException, InterruptedException {
        ScenarioResult r = run(defaults(), id).get(0);
        System.out.println(r);
        assertTrue(r.passed(), id + ": " + r.failures() + " " + r.evidence());
        return r;
    }

    private ScenarioResult failsWithout(GeneratedFiles broken, String id, String failure) throws IOException, InterruptedException {
        ScenarioResult r = run(broken, id).get(0);
        System.out.println("without its mechanism: " + r);
        assertFalse(r.passed(), id + " must fail without its mechanism: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains(failure)), id + ": " + r.failures());
        return r;
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void loginPassesForTheDefaultProfile() throws IOException, InterruptedException {
        passes("login");
    }

    /** No authorized_keys, and an sshd that takes passwords: the key is refused, the password taken. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutAuthorizedKeysAndWithPasswordsLoginFails() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        GeneratedFiles broken = good.withFile(NetworkScenarios.AUTHORIZED_KEYS, null).withFile(
                DISTRO + "moducop-login/files/50-moducop.conf", "PermitRootLogin yes\nPasswordAuthentication yes\n".getBytes(UTF_8));
        ScenarioResult r = failsWithout(broken, "login", "ssh -i");
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("password login as root is refused")), r.failures().toString());
    }

    @Order(6)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void panicPassesForTheDefaultProfile() throws IOException, InterruptedException {
        passes("panic");
    }

    /** Without panic= the panicked kernel never reboots (no watchdog runs before systemd). */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutPanicRebootPanicFails() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        String bootCmd = good.bootCmd().replace(" panic=5", "");
        assertFalse(bootCmd.equals(good.bootCmd()), "the mutation must change boot.cmd");
        failsWithout(good.withBootCmd(bootCmd), "panic", "the board reset itself");
    }

    @Order(4)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void hangPassesForTheDefaultProfile() throws IOException, InterruptedException {
        passes("hang");
    }

    /** Without the generated watchdog settings systemd never arms /dev/watchdog0: the frozen board never resets. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutWatchdogSettingsHangFails() throws IOException, InterruptedException {
        failsWithout(defaults().withFile(INIT + "moducop-watchdog.conf", null), "hang", "the board reset itself");
    }

    @Order(1)
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void unhealthyPassesForTheDefaultProfile() throws IOException, InterruptedException {
        passes("unhealthy");
    }

    /** A mark-good without the health gate, as meta-rauc's rauc-mark-good.service does it: B is marked good. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutTheHealthGateUnhealthyFails() throws IOException, InterruptedException {
        byte[] markGoodOnly = "#!/bin/sh\nrauc status mark-good\n".getBytes(UTF_8);
        failsWithout(defaults().withFile(INIT + "moducop-health", markGoodOnly), "unhealthy", "U-Boot env BOOT_B_LEFT");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void offlineBootsCompleteAndStayOnTheGoodSlot() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (two boots, each waiting out systemd-networkd-wait-online:"
                    + " about 6 minutes; no-dhcp runs the same checks in one boot)");
        }
        passes("offline");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutDhcpTheBootCompletesAndTheSlotIsMarkedGood() throws IOException, InterruptedException {
        passes("no-dhcp");
    }

    /** The health gate's old rule, every failed unit rolls the slot back: a device without DHCP reboots instead of marking good. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void judgingTheNetworkRollsBackAnOfflineSlot() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        String gate = text(good, INIT + "moducop-health");
        String everyUnit = gate.replace("case \" $JUDGED \" in", "case \" $unit \" in");
        assertFalse(everyUnit.equals(gate), "the mutation must change moducop-health");
        failsWithout(good.withFile(INIT + "moducop-health", everyUnit.getBytes(UTF_8)), "no-dhcp", "the health gate did not reboot");
    }

    private static String text(GeneratedFiles g, String path) {
        return new String(g.files().get(path), UTF_8);
    }

    /**
     * Seeding an updated slot's overlays without the staging directory and rename, stamped before
     * the copy, which takes 2 s (a large /etc): cuts during update seeding leave B stamped with A's
     * configuration missing, and the power-cut scenario must see it.
     */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutAtomicSeedingPowerCutsLoseState() throws IOException, InterruptedException {
        GeneratedFiles good = defaults();
        String path = DISTRO + "moducop-init/files/moducop-init";
        String init = text(good, path);
        String commit = """
                    echo "$rootfs_id" > "$staging/rootfs-id"
                    rm -rf "$dir.old"
                    if [ -d "$dir" ]; then
                        mv "$dir" "$dir.old"
                    fi
                    mv "$staging" "$dir"
                    rm -rf "$dir.old"
                """;
        String stage = """
                    staging=$STATE/.$slot.new
                    rm -rf "$staging"
                    mkdir -p "$staging"
                """;
        String inPlace = """
                    staging=$dir
                    mkdir -p "$staging"
                    echo "$rootfs_id" > "$staging/rootfs-id"
                    sync
                """;
        String copy = "cp -a \"$STATE/$last/.\" \"$staging/\"";
        assertTrue(init.contains(commit) && init.contains(stage) && init.contains(copy), "moducop-init's seeding changed: update this test");
        String broken = init.replace(commit, "").replace(stage, inPlace).replace(copy, "sleep 2; " + copy);
        SystemScenarios sc = new SystemScenarios(assets, good.withFile(path, broken.getBytes(UTF_8)), work);
        Scenario s = new Scenario("power-cut", "without atomic seeding");
        // only the cuts before systemd (saveenv, first boot, update seeding)
        PowerCut.Outcome o = new PowerCut(assets, sc.disks, sc.gen, work.resolve("power-cut")).run(s, 20261126L, 9);
        o.lines().forEach(System.out::println);
        assertTrue(o.stateLost() > 0, "cuts during a non-atomic seeding must lose state: " + o.lines());
        assertTrue(o.lines().stream().anyMatch(l -> l.contains("update-seed") && l.contains("PARTIAL")), o.lines().toString());
    }

    /** Without the seeding of B's overlays from A, rauc-install fails: /etc configured under A is not there under B. */
    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void withoutSeedingRaucInstallFails() throws IOException, InterruptedException {
        if (System.getenv("MODUCOP_LONG_BOOT_TESTS") == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_LONG_BOOT_TESTS=1 (about 10 minutes: a rauc install under emulation)");
        }
        GeneratedFiles good = defaults();
        String path = DISTRO + "moducop-init/files/moducop-init";
        String init = text(good, path);
        String copy = "cp -a \"$STATE/$last/.\" \"$staging/\"";
        assertTrue(init.contains(copy), "moducop-init's seeding changed: update this test");
        ScenarioResult r = run(good.withFile(path, init.replace(copy, ":").getBytes(UTF_8)),
                "rauc-install").get(0);
        System.out.println(r);
        assertFalse(r.passed(), "rauc-install must fail without seeding: " + r);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("/etc configured under A is there under B")), r.failures().toString());
    }
}
