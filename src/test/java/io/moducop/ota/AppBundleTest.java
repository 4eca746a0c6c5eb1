package io.moducop.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moducop.Cli;
import io.moducop.ExitCode;
import io.moducop.HostTools;
import io.moducop.UserError;
import io.moducop.apps.LocalRegistry;
import io.moducop.layer.LayerGenerator;
import io.moducop.profile.ProfileLoader;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code moducop app-bundle} with the real RAUC 1.13 (Debian trixie's, in the cached tree
 * {@link RaucHost} builds): the bundle carries each application as an artifact of the apps
 * repository, verifies with the profile's keyring only, and its archives are the same bytes each
 * time. Images: boot-test's arm64 busybox image, two versions, put into the image cache with
 * {@code fetch --offline --from} (no registry).
 */
class AppBundleTest {

    static final String COMPATIBLE = "ModuCop qemuarm64 v1";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    /** Image references pinned by digest, and the image cache holding them. */
    static String webImage;
    static String apiImage;
    static Path cache;

    @TempDir
    Path tmp;

    @BeforeAll
    static void imagesAndKeys() throws IOException {
        HostTools.require("openssl", "openssl");
        HostTools.require("dpkg-deb", "dpkg");
        Path layout = Files.createDirectories(shared.resolve("layout"));
        Map<String, JsonNode> manifests = new LinkedHashMap<>();
        for (String page : List.of("web 1", "api 1")) {
            Path archive = LocalRegistry.busyboxArchive(shared, page.replace(' ', '-') + ".tar", page);
            assertEquals(0, HostTools.run(List.of("tar", "-xf", archive.toString(), "-C", layout.toString())).exitCode());
            manifests.put(page, JSON.readTree(layout.resolve("index.json").toFile()).get("manifests").get(0));
        }
        webImage = "127.0.0.1:5000/moducop/web:1@" + manifests.get("web 1").get("digest").asText();
        apiImage = "127.0.0.1:5000/moducop/api:1@" + manifests.get("api 1").get("digest").asText();
        // the layout names each image as an image cache does (PINNED-HEX.linux-arm64), so fetch --from takes it
        StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"manifests\":[");
        String sep = "";
        for (JsonNode m : manifests.values()) {
            String hex = m.get("digest").asText().substring(7);
            index.append(sep).append("{\"mediaType\":\"").append(m.get("mediaType").asText()).append("\",\"digest\":\"sha256:")
                    .append(hex).append("\",\"size\":").append(m.get("size").asLong())
                    .append(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"").append(hex).append(".linux-arm64\"}}");
            sep = ",";
        }
        Files.writeString(layout.resolve("index.json"), index.append("]}").toString());
        assertEquals(0, Cli.run("keys", "--dev", shared.resolve("keys").toString()).exitCode());
        assertEquals(0, Cli.run("keys", "--dev", "--organisation", "Someone Else", shared.resolve("other").toString()).exitCode());
        cache = shared.resolve("images");
        Path p = profile(Files.createDirectories(shared.resolve("fetch")), "keys", "keys", true);
        Cli fetch = Cli.run("fetch", "--offline", "--from", layout.toString(), "--cache", cache.toString(), p.toString());
        assertEquals(0, fetch.exitCode(), fetch.err());
    }

    /**
     * A profile in {@code dir} with the apps web and api (or none); the keyring from {@code keyring},
     * the signing key and certificate from {@code signing} (keys --dev directories in {@code shared}).
     */
    static Path profile(Path dir, String keyring, String signing, boolean apps) throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        Files.copy(shared.resolve(keyring).resolve(DevelopmentKeys.CA_CERT), dir.resolve("keys/ca.cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path keys = shared.resolve(signing);
        StringBuilder y = new StringBuilder("board: { name: moducop-qemuarm64, base: qemuarm64 }\nstorage: { size: 4GiB }\n"
                + "ota:\n  compatible: " + COMPATIBLE + "\n  keyring: keys/ca.cert.pem\n  signing:\n"
                + "    key: " + keys.resolve(DevelopmentKeys.SIGNING_KEY) + "\n    cert: " + keys.resolve(DevelopmentKeys.SIGNING_CERT) + "\n");
        if (apps) {
            Files.createDirectories(dir.resolve("apps/web"));
            Files.createDirectories(dir.resolve("apps/api"));
            Files.writeString(dir.resolve("apps/web/compose.yaml"), "services:\n  web:\n    image: " + webImage
                    + "\n    command: [httpd, -f, -p, '8080', -h, /www]\n    ports: ['8080:8080']\n    volumes: [web-data:/data]\n"
                    + "volumes:\n  web-data: {}\n");
            Files.writeString(dir.resolve("apps/api/compose.yaml"), "services:\n  api:\n    image: " + apiImage
                    + "\n    command: [sleep, '1000000']\n");
            y.append("apps:\n  - name: web\n    compose: apps/web/compose.yaml\n  - name: api\n    compose: apps/api/compose.yaml\n");
        }
        Path p = dir.resolve("board.yaml");
        Files.writeString(p, y.toString());
        return p;
    }

    /** The tree with RAUC 1.13; skipped, visibly, where it cannot be built (not root, no network), failed in CI. */
    static RaucHost rauc() {
        String why = null;
        try {
            return RaucHost.prepare(RaucHost.defaultDir());
        } catch (UserError e) {
            why = e.diagnostics().get(0).format();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("the RAUC host tree: " + why);
        }
        Assumptions.abort("SKIPPED: no RAUC >= 1.13 on this host: " + why);
        return null;
    }

    private Cli appBundle(Path profile, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("app-bundle", "--images", cache.toString(), "-o", out.toString()));
        args.addAll(List.of(more));
        args.add(profile.toString());
        return Cli.run(args.toArray(String[]::new));
    }

    /** rauc ARGS in the tree with {@code dir} as its work directory. */
    private static Processes.Result raucIn(Path dir, String... args) throws IOException, InterruptedException {
        return rauc().run(dir, null, null, List.of(args), Duration.ofMinutes(2));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theBundleVerifiesWithTheProfilesKeyringAndListsEveryAppAsAnArtifact() throws Exception {
        rauc();
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = tmp.resolve("out/web-2.raucb");
        Files.createDirectories(out.getParent());
        Cli r = appBundle(p, out, "--version", "2.0.1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("rauc 1.13") && r.out().contains("apps: web api (2 images)"), r.out());
        assertEquals(List.of("web-2.raucb"), listing(out.getParent()), "the bundle and nothing else");
        Files.copy(tmp.resolve("p/keys/ca.cert.pem"), tmp.resolve("out/ca.pem"));
        Processes.Result info = raucIn(out.getParent(), "--keyring=" + RaucHost.WORK + "/ca.pem", "info", RaucHost.WORK + "/web-2.raucb");
        assertEquals(0, info.exitCode(), info.output());
        String text = info.output().replaceAll("\u001b\\[[0-9;]*m", "");
        assertTrue(text.contains("Compatible:     '" + COMPATIBLE + "'"), text);
        assertTrue(text.contains("Version:        '2.0.1'"), text);
        assertTrue(text.contains("Bundle Format:  verity"), text);
        assertTrue(text.contains("2 Images:"), text);
        for (String app : List.of("web", "api")) {
            assertTrue(text.contains("[apps]\n    Artifact:  " + app + "\n    Filename:  " + app + ".tar"), text);
        }
        Path layers = tmp.resolve("layers");
        assertEquals(0, Cli.run("generate", "-o", layers.toString(), p.toString()).exitCode());
        assertTrue(Files.readString(layers.resolve("meta-moducop/dynamic-layers/rauc/recipes-core/rauc/files/moducop-qemuarm64/system.conf"))
                .contains("\ncompatible=" + COMPATIBLE + "\n"), "the same compatible as the OS's system.conf");
    }

    @Test
    void aBundleSignedUnderAnotherCaIsRefusedWithTheProfilesKeyring() throws Exception {
        rauc();
        Path theirs = profile(tmp.resolve("theirs"), "other", "other", true);
        Path out = tmp.resolve("out/theirs.raucb");
        Files.createDirectories(out.getParent());
        Cli r = appBundle(theirs, out);
        assertEquals(0, r.exitCode(), r.err());
        Files.copy(shared.resolve("keys/ca.cert.pem"), tmp.resolve("out/ours.pem"));
        Processes.Result info = raucIn(out.getParent(), "--keyring=" + RaucHost.WORK + "/ours.pem", "info", RaucHost.WORK + "/theirs.raucb");
        assertNotEquals(0, info.exitCode(), info.output());
        assertTrue(info.output().contains("signature"), info.output());
    }

    /** app-bundle checks its own output: a signing certificate from another CA than the keyring's writes nothing. */
    @Test
    void signingMaterialFromAnotherCaThanTheKeyringsWritesNothing() throws Exception {
        rauc();
        Path mixed = profile(tmp.resolve("mixed"), "keys", "other", true);
        Path out = tmp.resolve("out/mixed.raucb");
        Files.createDirectories(out.getParent());
        Cli r = appBundle(mixed, out);
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("does not verify with the profile's keyring"), r.err());
        assertEquals(List.of(), listing(out.getParent()));
    }

    /** rauc info checks the signature only; the payload is checked by dm-verity on install and by extract, which refuses. */
    @Test
    void aBundleWithOneFlippedPayloadByteIsRefused() throws Exception {
        rauc();
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = tmp.resolve("out/good.raucb");
        Files.createDirectories(out.getParent());
        assertEquals(0, appBundle(p, out).exitCode());
        Files.copy(shared.resolve("keys/ca.cert.pem"), tmp.resolve("out/ca.pem"));
        byte[] b = Files.readAllBytes(out);
        b[b.length / 3] ^= 0x01; // inside the squashfs image: the verity tree and signature are at the end
        Files.write(tmp.resolve("out/bad.raucb"), b);
        Processes.Result bad = raucIn(out.getParent(), "--keyring=" + RaucHost.WORK + "/ca.pem", "extract",
                RaucHost.WORK + "/bad.raucb", RaucHost.WORK + "/bad");
        assertNotEquals(0, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("bundle payload is corrupted"), bad.output());
        Processes.Result good = raucIn(out.getParent(), "--keyring=" + RaucHost.WORK + "/ca.pem", "extract",
                RaucHost.WORK + "/good.raucb", RaucHost.WORK + "/good");
        assertEquals(0, good.exitCode(), good.output());
    }

    @Test
    void theArchivesAreTheSameBytesEachTimeAndHoldWhatTheLayerHas() throws Exception {
        rauc();
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.copy(shared.resolve("keys/ca.cert.pem"), out.resolve("ca.pem"));
        for (String run : List.of("one", "two")) {
            assertEquals(0, appBundle(p, out.resolve(run + ".raucb")).exitCode());
            Processes.Result x = raucIn(out, "--keyring=" + RaucHost.WORK + "/ca.pem", "extract", RaucHost.WORK + "/" + run + ".raucb",
                    RaucHost.WORK + "/" + run);
            assertEquals(0, x.exitCode(), x.output());
        }
        assertArrayEquals(Files.readAllBytes(out.resolve("one/web.tar")), Files.readAllBytes(out.resolve("two/web.tar")));
        assertArrayEquals(Files.readAllBytes(out.resolve("one/api.tar")), Files.readAllBytes(out.resolve("two/api.tar")));
        String manifest = Files.readString(out.resolve("one/manifest.raucm"));
        assertTrue(manifest.contains("[image.apps/web]") && manifest.contains("[image.apps/api]"), manifest);

        SortedMap<String, byte[]> layer = new LayerGenerator().generate(List.of(ProfileLoader.load(p)));
        for (String app : List.of("web", "api")) {
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (InputStream in = Files.newInputStream(out.resolve("one/" + app + ".tar"));
                    TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null;) {
                    assertEquals(0, e.getLastModifiedDate().getTime(), e.getName());
                    assertEquals(0, e.getLongUserId(), e.getName());
                    assertEquals(0, e.getLongGroupId(), e.getName());
                    assertEquals(e.isDirectory() ? 0755 : 0644, e.getMode() & 07777, e.getName());
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
            List<String> names = new ArrayList<>(files.keySet());
            assertEquals(names.stream().sorted().toList(), names, "sorted entries");
            assertEquals(List.of("compose.yaml", "images", "oci/", "oci/blobs/", "oci/blobs/sha256/"), names.subList(0, 5));
            assertArrayEquals(layer.get(LayerGenerator.appFile(app, "compose.yaml")), files.get("compose.yaml"));
            assertArrayEquals(layer.get(LayerGenerator.appFile(app, "images")), files.get("images"));
            JsonNode index = JSON.readTree(files.get("oci/index.json"));
            String pinned = app.equals("web") ? webImage : apiImage;
            assertEquals(1, index.get("manifests").size(), "exactly the images " + app + " pins");
            assertEquals(pinned.substring(pinned.indexOf('@') + 1), index.get("manifests").get(0).get("digest").asText());
            assertEquals("127.0.0.1:5000/moducop/" + app + ":1", index.get("manifests").get(0).get("annotations")
                    .get("org.opencontainers.image.ref.name").asText(), "the name moducop-app-load loads it by");
            for (String name : names) {
                if (name.startsWith("oci/blobs/sha256/") && !name.endsWith("/")) {
                    assertEquals(name.substring(17), io.moducop.util.Digests.sha256(files.get(name)), name);
                }
            }
        }
    }

    @Test
    void aProfileWithoutApplicationsIsExit2AndWritesNothing() throws IOException {
        Path p = profile(tmp.resolve("p"), "keys", "keys", false);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Cli r = appBundle(p, out.resolve("x.raucb"));
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("has no applications"), r.err());
        assertEquals(List.of(), listing(out));
    }

    @Test
    void anImageMissingFromTheCacheIsExit2NamingItAndWritesNothing() throws IOException {
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Cli r = Cli.run("app-bundle", "--images", tmp.resolve("empty-cache").toString(), "-o", out.resolve("x.raucb").toString(),
                p.toString());
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("apps/web/compose.yaml: services.web.image: " + webImage + " for linux/arm64 is not in the image cache"),
                r.err());
        assertTrue(r.err().contains("hint: fetch it first: ./moducop fetch " + p), r.err());
        assertTrue(r.err().contains(apiImage), "every missing image at once: " + r.err());
        assertEquals(List.of(), listing(out));
        assertFalse(Files.exists(tmp.resolve("empty-cache")), "the cache is only read");
    }

    @Test
    void aSymbolicLinkAtTheOutputIsRefusedAndLeftAlone() throws IOException {
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path victim = Files.writeString(tmp.resolve("victim"), "keep");
        Files.createSymbolicLink(out.resolve("x.raucb"), victim);
        Cli r = appBundle(p, out.resolve("x.raucb"));
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertTrue(r.err().contains("is a symbolic link"), r.err());
        assertTrue(Files.isSymbolicLink(out.resolve("x.raucb")));
        assertEquals("keep", Files.readString(victim));
        assertEquals(List.of("x.raucb"), listing(out));
    }

    @Test
    void aVersionOutsideThePatternIsExit2() throws IOException {
        Path p = profile(tmp.resolve("p"), "keys", "keys", true);
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (String v : List.of("", "-1", "1 2", "a\nb", "x".repeat(65), "1/2")) {
            Cli r = appBundle(p, out.resolve("x.raucb"), "--version", v);
            assertEquals(ExitCode.BAD_INPUT, r.exitCode(), v + ": " + r.err());
            assertTrue(r.err().contains("is not a bundle version"), r.err());
        }
        assertEquals(List.of(), listing(out));
        String ok = "x".repeat(64);
        assertTrue(AppBundle.VERSION.matcher(ok).matches() && !AppBundle.VERSION.matcher(ok + "x").matches());
    }
}
