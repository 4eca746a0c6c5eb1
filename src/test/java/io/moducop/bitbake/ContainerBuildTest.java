package io.moducop.bitbake;

import io.moducop.ExitCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * `moducop build` end to end against the real container engine (Podman's Docker API in CI) and
 * the locally built builder image, with the real crops-style entrypoint, bind mounts and uid
 * mapping. bitbake itself is a STAND-IN: a shell script in a fake poky repository (cloned by
 * JGit from a local mirror) that prints bitbake-style task counters and errors, writes a
 * .wic/.wic.bmap, fails, or hangs, as the test's standin-mode file says. Tests named
 * standInBitbake... use it.
 */
@Tag("container")
class ContainerBuildTest {

    static final String STANDIN_BITBAKE = """
            #!/bin/sh
            # STAND-IN for bitbake (tests only). Mode from /moducop/work/standin-mode: ok, fail, hang.
            mode=$(cat /moducop/work/standin-mode 2>/dev/null || echo ok)
            echo "NOTE: stand-in bitbake $* as $(id -u):$(id -g) in $(pwd)"
            m=$(sed -n 's/^MACHINE = "\\(.*\\)"/\\1/p' conf/local.conf)
            for i in 1 2 3 4 5; do
              echo "NOTE: Running task $i of 5 (/moducop/work/layers/meta-moducop/recipes-bsp/x/x.bb:do_t$i)"
            done
            a=$(sed -n 's/^MODUCOP_APPS_OCI = "\\(.*\\)"/\\1/p' conf/local.conf)
            if [ -n "$a" ]; then
              if [ -r "$a/index.json" ]; then echo "NOTE: stand-in sees the applications' OCI layout $a: $(ls "$a/blobs/sha256" | wc -l) blobs"
              else echo "ERROR: MODUCOP_APPS_OCI $a has no index.json"; exit 1; fi
            fi
            case $mode in
            ok)
              d=tmp/deploy/images/$m; mkdir -p "$d"
              head -c 1048576 /dev/urandom > "$d/moducop-image-$m.rootfs-20260101.wic"
              ln -sf "moducop-image-$m.rootfs-20260101.wic" "$d/moducop-image-$m.rootfs.wic"
              echo '<bmap/>' > "$d/moducop-image-$m.rootfs.wic.bmap"
              echo sbom > "$d/moducop-image-$m.rootfs.spdx.tar.zst"
              case " $* " in *" moducop-bundle "*)
                k=$(sed -n 's/^RAUC_KEY_FILE = "\\(.*\\)"/\\1/p' conf/local.conf)
                if [ -r "$k" ] && ! (echo x >> "$k") 2>/dev/null; then echo "NOTE: stand-in sees $k, read-only"
                else echo "ERROR: signing key $k not readable or writable"; exit 1; fi
                echo bundle > "$d/moducop-bundle-$m.raucb";;
              esac
              echo "NOTE: Tasks Summary: Attempted 5 tasks of which 0 didn't need to be rerun and all succeeded."
              exit 0;;
            fail)
              log=/moducop/work/build/tmp/work/x/temp/log.do_compile.123; mkdir -p "$(dirname $log)"
              printf 'compiling x\\nerror: stand-in compiler failed\\n' > $log
              echo "ERROR: x-1.0-r0 do_compile: oe_runmake failed"
              echo "ERROR: Logfile of failure stored in: $log"
              echo "ERROR: Task (/moducop/work/sources/poky/meta/recipes/x.bb:do_compile) failed with exit code '1'"
              echo "NOTE: Tasks Summary: Attempted 5 tasks of which 0 didn't need to be rerun and 1 failed."
              exit 1;;
            hang)
              echo "NOTE: stand-in hangs"; exec sleep 600;;
            esac
            """;

    static final String STANDIN_INIT = """
            # STAND-IN for poky's oe-init-build-env (tests only): enter the build dir, stand-in bitbake on PATH.
            mkdir -p "$1" && cd "$1" || return 1
            export PATH="/moducop/work/sources/poky/bitbake/bin:$PATH"
            """;

    @TempDir
    Path tmp;
    Path mirror;
    Path profile;
    Path work;

    @BeforeEach
    void setUp() throws Exception {
        ContainerEngine.require();
        mirror = tmp.resolve("mirror");
        GitRepos.create(mirror.resolve("poky"), "scarthgap",
                Map.of("oe-init-build-env", STANDIN_INIT, "bitbake/bin/bitbake", STANDIN_BITBAKE, "meta/conf/layer.conf", "#\n"));
        GitRepos.create(mirror.resolve("meta-openembedded"), "scarthgap", Map.of("meta-oe/conf/layer.conf", "#\n"));
        GitRepos.create(mirror.resolve("meta-virtualization.git"), "scarthgap", Map.of("conf/layer.conf", "#\n"));
        profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n");
        assertEquals(0, Cli.run("lock", "--mirror", mirror.toString(), profile.toString()).exitCode());
        work = tmp.resolve("work");
        Files.createDirectories(work);
        if (BuildUser.process().uid() == 0) {
            // the build user's own work directory: moducop gives away only directories it created
            Files.setAttribute(work, "unix:uid", expectedUid());
            Files.setAttribute(work, "unix:gid", expectedUid());
        }
    }

    private Cli build(String mode, String... extra) throws IOException {
        Files.writeString(work.resolve("standin-mode"), mode + "\n");
        List<String> args = new ArrayList<>(List.of("build", "--image", ContainerEngine.IMAGE, "--mirror", mirror.toString(),
                "--work", work.toString(), "--min-free-gib", "1", "--progress-interval", "0"));
        args.addAll(List.of(extra));
        args.add(profile.toString());
        return Cli.run(args.toArray(String[]::new));
    }

    private static int expectedUid() {
        BuildUser me = BuildUser.process();
        return me.uid() == 0 ? 1000 : me.uid();
    }

    @Test
    void standInBitbakeWithRauc_bundleCollectedAndSigningKeyMountedReadOnly() throws Exception {
        GitRepos.create(mirror.resolve("meta-rauc"), "scarthgap", Map.of("conf/layer.conf", "#\n"));
        Path keys = tmp.resolve("keys");
        Files.createDirectories(keys);
        Files.writeString(keys.resolve("ca.cert.pem"), "-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n");
        Files.writeString(keys.resolve("dev.key.pem"), "stand-in key\n");
        Files.setPosixFilePermissions(keys.resolve("dev.key.pem"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(keys.resolve("dev.cert.pem"), "stand-in cert\n");
        Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nyocto: { release: scarthgap }\nota: { keyring: keys/ca.cert.pem,"
                + " signing: { key: " + keys.resolve("dev.key.pem") + ", cert: " + keys.resolve("dev.cert.pem") + " } }\n");
        assertEquals(0, Cli.run("lock", "--mirror", mirror.toString(), profile.toString()).exitCode());
        Cli r = build("ok");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String log = Files.readString(work.resolve("build/moducop-build.log"));
        assertTrue(log.contains("stand-in bitbake moducop-image moducop-bundle"), log);
        assertTrue(log.contains("NOTE: stand-in sees /moducop/secrets/signing.key.pem, read-only"), log);
        assertEquals("stand-in key\n", Files.readString(keys.resolve("dev.key.pem")), "the key is untouched");
        assertTrue(Files.exists(work.resolve("artifacts/moducop-bundle-moducop-t.raucb")));
        assertTrue(Files.readString(work.resolve("artifacts/manifest.json")).contains("\"name\": \"moducop-bundle-moducop-t.raucb\""));
        String localConf = Files.readString(work.resolve("build/conf/local.conf"));
        assertTrue(localConf.contains("RAUC_KEY_FILE = \"/moducop/secrets/signing.key.pem\""), localConf);
        try (Stream<Path> s = Files.walk(work)) {
            assertTrue(s.filter(Files::isRegularFile).noneMatch(p -> p.toString().endsWith("dev.key.pem")), "the key is not copied into the work tree");
        }
        assertNoContainersLeft();
    }

    @Test
    void standInBitbakeSucceeds_imageCollectedWithManifestAsTheBuildUser() throws Exception {
        Cli r = build("ok");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("bitbake: tasks 1 of 5 (20%)") && r.out().contains("bitbake: tasks 5 of 5 (100%)"), r.out());

        Path log = work.resolve("build/moducop-build.log");
        String logText = Files.readString(log);
        assertTrue(logText.contains("NOTE: stand-in bitbake moducop-image as " + expectedUid() + ":" + expectedUid()
                + " in /moducop/work/build"), logText);

        Path wic = work.resolve("artifacts/moducop-image-moducop-t.rootfs.wic");
        Path bmap = work.resolve("artifacts/moducop-image-moducop-t.rootfs.wic.bmap");
        assertEquals(1048576, Files.size(wic));
        assertFalse(Files.isSymbolicLink(wic), "the deploy link is resolved: the artifact is the image itself");
        String manifest = Files.readString(work.resolve("artifacts/manifest.json"));
        assertTrue(manifest.contains("\"name\": \"moducop-image-moducop-t.rootfs.wic\", \"size\": 1048576, \"sha256\": \""
                + io.moducop.util.Digests.sha256(wic) + "\""), manifest);
        assertTrue(manifest.contains("\"sha256\": \"" + io.moducop.util.Digests.sha256(bmap) + "\""), manifest);
        assertTrue(manifest.startsWith("{\n  \"machine\": \"moducop-t\","), manifest);
        assertTrue(manifest.contains("\"name\": \"moducop-image-moducop-t.rootfs.spdx.tar.zst\""), "the SBOM (SPDX 2.2 on scarthgap): " + manifest);
        assertTrue(manifest.contains("{\"name\": \"poky\", \"url\": \"https://git.yoctoproject.org/poky\""), manifest);

        // uid mapping: what bitbake wrote is owned by the build user; nothing in the tree is root's
        Path deployed = work.resolve("build/tmp/deploy/images/moducop-t/moducop-image-moducop-t.rootfs.wic.bmap");
        assertEquals(expectedUid(), BuildUser.uidOf(deployed));
        try (Stream<Path> s = Files.walk(work)) {
            List<Path> rootOwned = s.filter(p -> !p.getFileName().toString().equals("standin-mode"))
                    .filter(p -> uid(p) == 0).toList();
            assertEquals(List.of(), rootOwned);
        }
        assertTrue(Files.readString(work.resolve("kas.yml")).contains("machine: moducop-t\n"));
        assertNoContainersLeft();

        Cli dry = build("ok", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.out() + dry.err());
        assertTrue(Files.readString(log).contains("stand-in bitbake -n moducop-image"), "dry run passes -n");
    }

    /** A profile with an application: build fetches its images (Debian's docker-registry on 127.0.0.1) and exports them. */
    @Test
    void standInBitbakeWithAnApp_imagesFetchedExportedAndSeenInTheContainer() throws Exception {
        try (io.moducop.apps.LocalRegistry registry = new io.moducop.apps.LocalRegistry(Files.createDirectories(tmp.resolve("registry")))) {
            String digest = registry.push(io.moducop.apps.LocalRegistry.busyboxArchive(Files.createDirectories(tmp.resolve("img"))),
                    "moducop/busybox:1");
            Files.createDirectories(tmp.resolve("apps/web"));
            Files.writeString(tmp.resolve("apps/web/compose.yaml"), "services:\n  web:\n    image: " + registry.host()
                    + "/moducop/busybox:1@" + digest + "\n    command: [\"/bin/busybox\", \"httpd\", \"-f\"]\n");
            Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n"
                    + "apps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
            Path images = tmp.resolve("images");
            Cli r = build("ok", "--images", images.toString());
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("app web web linux/arm64: fetched (manifest " + digest), r.out());
            String index = Files.readString(work.resolve("apps-oci/index.json"));
            assertTrue(index.contains("\"org.opencontainers.image.ref.name\":\"" + registry.host() + "/moducop/busybox:1\""), index);
            assertTrue(index.contains("\"digest\":\"" + digest + "\""), index);
            assertTrue(Files.readString(work.resolve("build/conf/local.conf")).contains("MODUCOP_APPS_OCI = \"/moducop/work/apps-oci\""));
            String log = Files.readString(work.resolve("build/moducop-build.log"));
            assertTrue(log.contains("NOTE: stand-in sees the applications' OCI layout /moducop/work/apps-oci: 3 blobs"), log);
            assertTrue(Files.readString(work.resolve("layers/meta-moducop-distro/recipes-containers/moducop-apps/files/web/images"))
                    .startsWith(digest.substring(7) + " "));

            Cli offline = build("ok", "--images", images.toString(), "--offline");
            assertEquals(0, offline.exitCode(), offline.out() + offline.err());
            assertTrue(offline.out().contains("app web web linux/arm64: cached (manifest " + digest), offline.out());
        }
        assertNoContainersLeft();
    }

    @Test
    void standInBitbakeFails_summaryOfFailedTasksAndNoArtifacts() throws Exception {
        Cli r = build("fail");
        assertEquals(ExitCode.FAILED, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("failed task: /moducop/work/sources/poky/meta/recipes/x.bb:do_compile"), r.err());
        assertTrue(r.err().contains("  log: " + work.resolve("build/tmp/work/x/temp/log.do_compile.123")), r.err());
        assertTrue(r.err().contains("  | error: stand-in compiler failed"), r.err());
        assertTrue(r.out().contains("bitbake: Tasks Summary: Attempted 5 tasks"), r.out());
        assertFalse(Files.exists(work.resolve("artifacts")), "nothing in the artifacts directory on failure");
        try (Stream<Path> s = Files.list(work)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("moducop-staging")));
        }
        assertNoContainersLeft();
    }

    @Test
    void standInBitbakeHangs_interruptStopsAndRemovesTheContainer() throws Exception {
        Files.writeString(work.resolve("standin-mode"), "hang\n");
        AtomicReference<Cli> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(build("hang"));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        t.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (containers().isEmpty() || !Files.exists(work.resolve("build/moducop-build.log"))
                || !Files.readString(work.resolve("build/moducop-build.log")).contains("stand-in hangs")) {
            assertTrue(System.currentTimeMillis() < deadline, "the build container never ran the stand-in");
            Thread.sleep(200);
        }
        t.interrupt(); // what Ctrl-C does (the shutdown hook interrupts the build thread)
        t.join(60_000);
        assertFalse(t.isAlive());
        assertEquals(ExitCode.INTERRUPTED, result.get().exitCode(), result.get().err());
        assertTrue(result.get().err().contains("interrupted; the container was stopped and removed"));
        assertNoContainersLeft();
        assertFalse(Files.exists(work.resolve("artifacts")));
    }

    @Test
    void secondBuildInTheSameWorkDirectoryIsRefused() throws Exception {
        try (BuildDirLock held = BuildDirLock.acquire(work)) {
            Cli r = build("ok");
            assertEquals(ExitCode.BUSY, r.exitCode(), r.err());
            assertTrue(r.err().contains("another moducop build is running in this work directory (pid "), r.err());
        }
        assertFalse(Files.exists(work.resolve("artifacts")));
    }

    @Test
    void missingImageIsExitFour() throws Exception {
        Cli r = Cli.run("build", "--image", "localhost/moducop-no-such-image:debian-12", "--mirror", mirror.toString(),
                "--work", work.toString(), "--min-free-gib", "1", profile.toString());
        assertEquals(ExitCode.IMAGE_MISSING, r.exitCode(), r.err());
        assertTrue(r.err().contains("the builder image is not present"), r.err());
        assertFalse(Files.exists(work.resolve("sources")), "checked before anything is fetched");
    }

    @Test
    void lockNamingAMissingRevisionIsExitSix() throws Exception {
        Path lock = tmp.resolve("board.lock.yaml");
        String text = Files.readString(lock);
        String poky = GitRepos.head(mirror.resolve("poky"));
        Files.writeString(lock, text.replace(poky, "0123456789abcdef0123456789abcdef01234567"));
        Cli r = build("ok");
        assertEquals(ExitCode.LOCK_STALE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("board.lock.yaml:"), r.err());
        assertFalse(Files.exists(work.resolve("artifacts")));
    }

    private static int uid(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private List<?> containers() {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerBuild.LABEL, work.toAbsolutePath().normalize().toString())).exec();
    }

    private void assertNoContainersLeft() {
        assertEquals(List.of(), containers(), "the build container was removed");
    }
}
