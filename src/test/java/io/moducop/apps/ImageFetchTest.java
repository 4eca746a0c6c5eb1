package io.moducop.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.ExitCode;
import io.moducop.HostTools;
import io.moducop.UserError;
import io.moducop.boottest.HostAssets;
import io.moducop.util.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * Fetching an application's images from a real registry (Debian's docker-registry on 127.0.0.1)
 * with skopeo: an arm64 busybox-static image FROM scratch built on the host, pinned by digest.
 */
class ImageFetchTest {

    static final Platform ARM64 = Platform.parse("linux/arm64");

    @TempDir
    static Path shared;
    static LocalRegistry registry;
    static Path archive;
    static String digest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void registry() throws IOException, InterruptedException {
        registry = new LocalRegistry(Files.createDirectories(shared.resolve("registry")));
        archive = LocalRegistry.busyboxArchive(shared);
        digest = registry.push(archive, "moducop/busybox:1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private ImageRef pinned() {
        return ImageRef.parse(registry.host() + "/moducop/busybox:1@" + digest);
    }

    @Test
    void aPinnedImageIsFetchedOnceAndVerifiedEachTime() throws IOException, InterruptedException {
        ImageCache cache = new ImageCache(tmp.resolve("cache"), null, false);
        ImageCache.Entry first = cache.fetch(pinned(), ARM64, "compose.yaml");
        assertTrue(first.fetched());
        assertEquals(digest, first.manifestDigest(), "a single-platform image is stored under its pinned digest");
        assertTrue(first.bytes() > 500_000, "busybox-static is most of a megabyte: " + first.bytes());
        ImageCache.Entry again = cache.fetch(pinned(), ARM64, "compose.yaml");
        assertFalse(again.fetched(), "the second fetch uses the cache");
        Path manifest = tmp.resolve("cache/oci/blobs/sha256/" + digest.substring(7));
        assertEquals(digest.substring(7), Digests.sha256(manifest));
    }

    /** An index for arm64 pushed with skopeo --all: the pinned digest is the index's, the board gets its entry. */
    @Test
    void aDigestPinnedToAMultiPlatformIndexResolvesToTheBoardsEntryAndKeepsTheIndex() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("index"));
        assertEquals(0, HostTools.run(List.of("tar", "-xf", archive.toString(), "-C", dir.toString())).exitCode());
        OciLayout layout = new OciLayout(dir);
        OciLayout.Ref single = layout.refs().get(0);
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.INDEX + "\",\"manifests\":[{\"mediaType\":\""
                + single.mediaType() + "\",\"digest\":\"" + single.digest() + "\",\"size\":" + single.size()
                + ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}").getBytes(StandardCharsets.UTF_8);
        String indexDigest = layout.writeBlob(index);
        layout.writeIndex(List.of(new OciLayout.Ref("multi", OciLayout.INDEX, indexDigest, index.length)));
        HostTools.Result push = HostTools.run(List.of("skopeo", "copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + dir + ":multi", "docker://" + registry.host() + "/moducop/multi:1"));
        assertEquals(0, push.exitCode(), push.output());

        ImageRef ref = ImageRef.parse(registry.host() + "/moducop/multi:1@" + indexDigest);
        ImageCache cache = new ImageCache(tmp.resolve("cache"), null, false);
        ImageCache.Entry e = cache.fetch(ref, ARM64, "compose.yaml");
        assertEquals(digest, e.manifestDigest(), "the arm64 entry of the index");
        OciLayout.Ref stored = new OciLayout(cache.layout()).ref(ImageCache.name(ref, ARM64)).orElseThrow();
        assertEquals(indexDigest, stored.digest(), "the cache names the pinned index, so podman knows the image by it");
        assertFalse(cache.fetch(ref, ARM64, "compose.yaml").fetched());

        UserError v7 = assertThrows(UserError.class, () -> cache.fetch(ref, Platform.parse("linux/arm/v7"), "compose.yaml"));
        assertTrue(v7.diagnostics().get(0).message().endsWith("has no image for linux/arm/v7 (it has linux/arm64)"),
                v7.diagnostics().toString());
    }

    @Test
    void aDigestTheRegistryDoesNotHaveIsRefused() {
        ImageRef wrong = ImageRef.parse(registry.host() + "/moducop/busybox:1@sha256:" + "ab".repeat(32));
        UserError e = assertThrows(UserError.class, () -> new ImageCache(tmp.resolve("cache"), null, false)
                .fetch(wrong, ARM64, "compose.yaml"));
        assertEquals(ExitCode.FETCH_FAILED, e.exitCode());
        assertTrue(e.diagnostics().get(0).message().startsWith("cannot fetch "), e.diagnostics().toString());
        assertFalse(Files.exists(tmp.resolve("cache/oci/index.json")) && manifestCount(tmp.resolve("cache/oci")) > 0);
    }

    @Test
    void anImageForAnotherPlatformIsRefused() {
        UserError e = assertThrows(UserError.class, () -> new ImageCache(tmp.resolve("cache"), null, false)
                .fetch(pinned(), Platform.parse("linux/arm/v7"), "compose.yaml"));
        assertTrue(e.diagnostics().get(0).message().endsWith("is an image for linux/arm64, the board runs linux/arm/v7"),
                e.diagnostics().toString());
    }

    @Test
    void aDamagedBlobInTheCacheIsFoundOnTheNextUse() throws IOException, InterruptedException {
        ImageCache cache = new ImageCache(tmp.resolve("cache"), null, false);
        ImageCache.Entry e = cache.fetch(pinned(), ARM64, "compose.yaml");
        Path layer = largestBlob(tmp.resolve("cache/oci"));
        byte[] b = Files.readAllBytes(layer);
        b[b.length / 2] ^= 1;
        Files.write(layer, b);
        UserError damaged = assertThrows(UserError.class, () -> cache.fetch(pinned(), ARM64, "compose.yaml"));
        assertTrue(damaged.diagnostics().get(0).message().contains("does not match its digest"), damaged.diagnostics().toString());
        assertEquals(digest, e.manifestDigest());
    }

    @Test
    void offlineWorksFromTheCacheOrAnOciDirectoryAndFailsPlainlyWithoutThem() throws IOException, InterruptedException {
        Path online = tmp.resolve("online");
        new ImageCache(online, null, false).fetch(pinned(), ARM64, "compose.yaml");

        UserError none = assertThrows(UserError.class, () -> new ImageCache(tmp.resolve("empty"), null, true)
                .fetch(pinned(), ARM64, "compose.yaml"));
        assertTrue(none.diagnostics().get(0).message().endsWith("(offline)"), none.diagnostics().toString());

        ImageCache.Entry copied = new ImageCache(tmp.resolve("copy"), online.resolve("oci"), true).fetch(pinned(), ARM64, "compose.yaml");
        assertTrue(copied.fetched());
        assertEquals(digest, copied.manifestDigest());
        assertFalse(new ImageCache(tmp.resolve("copy"), null, true).fetch(pinned(), ARM64, "compose.yaml").fetched(),
                "offline, from the cache alone");
    }

    @Test
    void aBlobDamagedInTheRegistryIsRefusedBySkopeo() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("reg"));
        try (LocalRegistry own = new LocalRegistry(dir)) {
            String d = own.push(archive, "moducop/busybox:1");
            Path layer = largestRegistryBlob(own.data);
            byte[] b = Files.readAllBytes(layer);
            b[b.length / 2] ^= 1;
            Files.write(layer, b);
            ImageRef ref = ImageRef.parse(own.host() + "/moducop/busybox@" + d);
            UserError e = assertThrows(UserError.class, () -> new ImageCache(tmp.resolve("cache"), null, false).fetch(ref, ARM64, "c.yaml"));
            assertEquals(ExitCode.FETCH_FAILED, e.exitCode());
            assertTrue(e.diagnostics().get(0).message().toLowerCase().contains("digest"), e.diagnostics().toString());
        }
    }

    @Test
    void fetchCommandFetchesEveryServiceOfEveryApp() throws IOException {
        Files.createDirectories(tmp.resolve("apps/web"));
        Files.writeString(tmp.resolve("apps/web/compose.yaml"), "services:\n  web:\n    image: " + pinned().reference() + "\n"
                + "  client:\n    image: " + registry.host() + "/moducop/busybox@" + digest + "\n");
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board: { name: moducop-test, base: qemuarm64 }\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
        Cli r = Cli.run("fetch", "--cache", tmp.resolve("cache").toString(), p.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("web web linux/arm64: fetched (manifest " + digest), r.out());
        assertTrue(r.out().contains("web client linux/arm64: cached (manifest " + digest), r.out());
    }

    @SuppressWarnings("unchecked")
    private static int manifestCount(Path layout) {
        try {
            Map<String, Object> index = new Yaml().load(Files.readString(layout.resolve("index.json"), StandardCharsets.UTF_8));
            return ((List<Object>) index.getOrDefault("manifests", List.of())).size();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Path largestBlob(Path layout) throws IOException {
        try (Stream<Path> s = Files.list(layout.resolve("blobs/sha256"))) {
            return s.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }

    private static Path largestRegistryBlob(Path data) throws IOException {
        try (Stream<Path> s = Files.walk(data.resolve("docker/registry/v2/blobs"))) {
            return s.filter(f -> f.getFileName().toString().equals("data"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }
}
