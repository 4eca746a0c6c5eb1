package io.moducop.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.ExitCode;
import io.moducop.HostTools;
import io.moducop.UserError;
import io.moducop.util.Digests;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an image source (a --from OCI directory, the cache itself, a registry) may not do: OCI
 * layouts built here by hand, with real sha256 digests, read as JSON, checked for the board's
 * platform, never followed through a symbolic link where moducop writes or copies.
 */
class ImageSourceTrustTest {

    static final Platform ARM64 = Platform.parse("linux/arm64");
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String LAYER = "application/vnd.oci.image.layer.v1.tar";

    @TempDir
    Path tmp;

    /** A blob of a layout: what a descriptor says about it. */
    record Blob(String mediaType, String digest, long size) {
        String json() {
            return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
        }

        String hex() {
            return digest.substring(7);
        }
    }

    static Blob put(Path layout, String mediaType, byte[] content) throws IOException {
        String hex = Digests.sha256(content);
        Path f = layout.resolve("blobs/sha256/" + hex);
        Files.createDirectories(f.getParent());
        Files.write(f, content);
        return new Blob(mediaType, "sha256:" + hex, content.length);
    }

    static Blob put(Path layout, String mediaType, String text) throws IOException {
        return put(layout, mediaType, text.getBytes(StandardCharsets.UTF_8));
    }

    static String config(String os, String arch, String variant) {
        return "{\"architecture\":\"" + arch + "\",\"os\":\"" + os + "\"" + (variant == null ? "" : ",\"variant\":\"" + variant + "\"")
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    }

    /** An image manifest with one layer (an empty tar) and a config for the platform; {@code manifest} shapes its text. */
    static Blob image(Path layout, String configJson, java.util.function.BinaryOperator<String> manifest) throws IOException {
        Blob layer = put(layout, LAYER, new byte[1024]);
        Blob config = put(layout, CONFIG, configJson);
        return put(layout, OciLayout.MANIFEST, manifest.apply(config.json(), layer.json()));
    }

    static Blob image(Path layout, String os, String arch, String variant) throws IOException {
        return image(layout, config(os, arch, variant), (c, l) -> "{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.MANIFEST
                + "\",\"config\":" + c + ",\"layers\":[" + l + "]}");
    }

    static Blob index(Path layout, String... entries) throws IOException {
        return put(layout, OciLayout.INDEX, "{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}");
    }

    static String entry(Blob b, String platform) {
        String[] p = platform.split("/");
        return "{\"mediaType\":\"" + b.mediaType() + "\",\"digest\":\"" + b.digest() + "\",\"size\":" + b.size()
                + ",\"platform\":{\"os\":\"" + p[0] + "\",\"architecture\":\"" + p[1] + "\""
                + (p.length > 2 ? ",\"variant\":\"" + p[2] + "\"" : "") + "}}";
    }

    /** index.json naming {@code b} as {@code name}, after {@code filler}. */
    static void name(Path layout, Blob b, String name, String filler) throws IOException {
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + filler + "{\"mediaType\":\""
                + b.mediaType() + "\",\"digest\":\"" + b.digest() + "\",\"size\":" + b.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + name + "\"}}]}");
    }

    /** A layout in {@code dir} with one image for {@code platform}, named as the cache names it for {@code board}. */
    static ImageRef single(Path dir, String platform, Platform board) throws IOException {
        String[] p = platform.split("/");
        Blob m = image(dir, p[0], p[1], p.length > 2 ? p[2] : null);
        ImageRef ref = ImageRef.parse("example.org/app@" + m.digest());
        name(dir, m, ImageCache.name(ref, board), "");
        return ref;
    }

    private ImageCache fromLayout(Path layout) {
        return new ImageCache(tmp.resolve("cache"), layout, true);
    }

    private static List<Path> symlinksUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isSymbolicLink).toList();
        }
    }

    private Path profile(ImageRef ref) throws IOException {
        Files.createDirectories(tmp.resolve("apps/web"));
        Files.writeString(tmp.resolve("apps/web/compose.yaml"), "services:\n  web:\n    image: " + ref.reference() + "\n");
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board: { name: moducop-test, base: qemuarm64 }\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
        return p;
    }

    private static void assertOneLine(Cli r) {
        assertFalse(r.err().contains("internal error"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("  hint: ")).count(), r.err());
    }

    @Test
    void aManifestIndentedWithTabsIsAccepted() throws IOException, InterruptedException {
        Path from = tmp.resolve("from");
        Blob m = image(from, config("linux", "arm64", null), (c, l) -> "{\n\t\"schemaVersion\": 2,\n\t\"mediaType\": \""
                + OciLayout.MANIFEST + "\",\n\t\"config\": " + c + ",\n\t\"layers\": [\n\t\t" + l + "\n\t]\n}\n");
        ImageRef ref = ImageRef.parse("example.org/app@" + m.digest());
        name(from, m, ImageCache.name(ref, ARM64), "");
        ImageCache.Entry e = fromLayout(from).fetch(ref, ARM64, "compose.yaml");
        assertTrue(e.fetched());
        assertEquals(m.digest(), e.manifestDigest());
    }

    /** 3.5 MiB: under the 4 MiB bound, over SnakeYAML's 3 MiB document limit. */
    @Test
    void aLargeValidIndexJsonIsRead() throws IOException, InterruptedException {
        Path from = tmp.resolve("from");
        Blob m = image(from, "linux", "arm64", null);
        ImageRef ref = ImageRef.parse("example.org/app@" + m.digest());
        StringBuilder filler = new StringBuilder();
        for (int i = 0; filler.length() < 3_500_000; i++) {
            filler.append("{\"mediaType\":\"").append(OciLayout.MANIFEST).append("\",\"digest\":\"sha256:")
                    .append(String.format("%064x", i)).append("\",\"size\":1,\"annotations\":{\"org.opencontainers.image.ref.name\":\"other")
                    .append(i).append("\"}},");
        }
        name(from, m, ImageCache.name(ref, ARM64), filler.toString());
        assertTrue(fromLayout(from).fetch(ref, ARM64, "compose.yaml").fetched());
    }

    /** A sparse 3 GiB index.json: refused by its size, not read into the heap. */
    @Test
    void anIndexJsonOverTheBoundIsOneLineNotAnOutOfMemoryError() throws IOException {
        Path from = tmp.resolve("from");
        ImageRef ref = single(from, "linux/arm64", ARM64);
        try (RandomAccessFile f = new RandomAccessFile(from.resolve("index.json").toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        Cli r = Cli.run("fetch", "--offline", "--cache", tmp.resolve("cache").toString(), "--from", from.toString(),
                profile(ref).toString());
        assertEquals(ExitCode.FETCH_FAILED, r.exitCode(), r.err());
        assertOneLine(r);
        assertTrue(r.err().contains("index.json") && r.err().contains("larger than 4 MiB"), r.err());
    }

    @Test
    void aSymbolicLinkLockInTheCacheIsNotFollowed() throws IOException {
        ImageRef ref = single(tmp.resolve("from"), "linux/arm64", ARM64);
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Path victim = tmp.resolve("victim");
        Files.createSymbolicLink(cache.resolve(".lock"), victim);
        Cli r = Cli.run("fetch", "--offline", "--cache", cache.toString(), "--from", tmp.resolve("from").toString(),
                profile(ref).toString());
        assertFalse(Files.exists(victim, java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing is created through the link");
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertOneLine(r);
        assertTrue(r.err().startsWith(cache.resolve(".lock") + ": "), r.err());
    }

    @Test
    void aSymbolicLinkOciDirectoryInTheCacheIsNotWrittenThrough() throws IOException {
        ImageRef ref = single(tmp.resolve("from"), "linux/arm64", ARM64);
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(cache.resolve("oci"), elsewhere);
        Cli r = Cli.run("fetch", "--offline", "--cache", cache.toString(), "--from", tmp.resolve("from").toString(),
                profile(ref).toString());
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertEquals(List.of(), s.toList(), "nothing is written through the link");
        }
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.err());
        assertOneLine(r);
    }

    /** The blob's content is right; it is the link that is refused, and no link reaches the cache. */
    @Test
    void aSymbolicLinkBlobInFromIsRefusedAndNeverLinkedIntoTheCache() throws IOException {
        Path from = tmp.resolve("from");
        ImageRef ref = single(from, "linux/arm64", ARM64);
        Path layer = from.resolve("blobs/sha256/" + Digests.sha256(new byte[1024]));
        Path outside = tmp.resolve("outside-layer");
        Files.move(layer, outside);
        Files.createSymbolicLink(layer, outside);
        UserError e = assertThrows(UserError.class, () -> fromLayout(from).fetch(ref, ARM64, "compose.yaml"));
        assertTrue(e.diagnostics().get(0).message().contains("symbolic link"), e.diagnostics().toString());
        assertEquals(List.of(), symlinksUnder(tmp.resolve("cache")));
    }

    /** export hard-links the cache's blobs into a slot's layout: only regular files of the cache, never a link out of it. */
    @Test
    void exportLinksOnlyTheCachesRegularFiles() throws IOException, InterruptedException {
        ImageRef ref = single(tmp.resolve("from"), "linux/arm64", ARM64);
        ImageCache cache = fromLayout(tmp.resolve("from"));
        cache.fetch(ref, ARM64, "compose.yaml");
        cache.export(List.of(ref), ARM64, tmp.resolve("slot"));
        try (Stream<Path> s = Files.list(tmp.resolve("slot/blobs/sha256"))) {
            assertTrue(s.allMatch(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        }

        Path layer = tmp.resolve("cache/oci/blobs/sha256/" + Digests.sha256(new byte[1024]));
        Path outside = tmp.resolve("outside-layer");
        Files.move(layer, outside);
        Files.createSymbolicLink(layer, outside);
        UserError e = assertThrows(UserError.class, () -> cache.export(List.of(ref), ARM64, tmp.resolve("slot2")));
        assertTrue(e.diagnostics().get(0).message().contains("symbolic link"), e.diagnostics().toString());
        assertEquals(List.of(), symlinksUnder(tmp.resolve("slot2")));
    }

    @Test
    void anAmd64ImageNamedForArm64InFromIsRefused() throws IOException {
        Path from = tmp.resolve("from");
        ImageRef ref = single(from, "linux/amd64", ARM64);
        UserError e = assertThrows(UserError.class, () -> fromLayout(from).fetch(ref, ARM64, "compose.yaml"));
        assertEquals(ExitCode.FETCH_FAILED, e.exitCode());
        assertTrue(e.diagnostics().get(0).message().endsWith("is an image for linux/amd64, the board runs linux/arm64"),
                e.diagnostics().toString());
        assertFalse(Files.exists(tmp.resolve("cache/oci/index.json")), "the cache names nothing");
    }

    /** Docker Hub's arm64 images carry linux/arm64/v8: the OCI spec's variant for ARM 64-bit v8. */
    @Test
    void anArm64V8IndexEntryMatchesALinuxArm64Board() throws IOException, InterruptedException {
        Path from = tmp.resolve("from");
        Blob amd64 = image(from, "linux", "amd64", null);
        Blob arm64 = image(from, "linux", "arm64", "v8");
        Blob idx = index(from, entry(amd64, "linux/amd64"), entry(arm64, "linux/arm64/v8"));
        ImageRef ref = ImageRef.parse("example.org/app@" + idx.digest());
        name(from, idx, ImageCache.name(ref, ARM64), "");
        ImageCache.Entry e = fromLayout(from).fetch(ref, ARM64, "compose.yaml");
        assertEquals(arm64.digest(), e.manifestDigest());
    }

    @Test
    void anIndexWithoutTheBoardsPlatformSaysWhatItHas() throws IOException {
        Path from = tmp.resolve("from");
        Platform v7 = Platform.parse("linux/arm/v7");
        Blob amd64 = image(from, "linux", "amd64", null);
        Blob arm64 = image(from, "linux", "arm64", "v8");
        Blob idx = index(from, entry(amd64, "linux/amd64"), entry(arm64, "linux/arm64/v8"));
        ImageRef ref = ImageRef.parse("example.org/app@" + idx.digest());
        name(from, idx, ImageCache.name(ref, v7), "");
        UserError e = assertThrows(UserError.class, () -> fromLayout(from).fetch(ref, v7, "compose.yaml"));
        assertTrue(e.diagnostics().get(0).message().endsWith("has no image for linux/arm/v7 (it has linux/amd64, linux/arm64/v8)"),
                e.diagnostics().toString());
    }

    /** The OCI image spec's variants, with containerd's defaults: arm64 v8, arm v7, amd64 v1. */
    @Test
    void platformsCompareAsTheOciSpecAndContainerdDefineThem() {
        assertTrue(ARM64.matches("linux", "arm64", "v8"));
        assertTrue(ARM64.matches("linux", "arm64", null));
        assertTrue(Platform.parse("linux/arm64/v8").matches("linux", "arm64", null));
        assertFalse(ARM64.matches("linux", "arm64", "v9"));
        assertFalse(ARM64.matches("linux", "arm", "v8"));
        Platform v7 = Platform.parse("linux/arm/v7");
        assertTrue(v7.matches("linux", "arm", null), "arm without a variant is v7");
        assertTrue(v7.matches("linux", "arm", "v7"));
        assertFalse(v7.matches("linux", "arm", "v6"));
        assertFalse(v7.matches("linux", "arm", "v8"));
        Platform amd64 = Platform.parse("linux/amd64");
        assertTrue(amd64.matches("linux", "amd64", "v1"));
        assertFalse(amd64.matches("linux", "amd64", "v3"));
        assertFalse(amd64.matches("windows", "amd64", null));
    }

    @Test
    void aDuplicateKeyInAManifestIsRefused() throws IOException {
        Path from = tmp.resolve("from");
        Blob m = image(from, config("linux", "arm64", null), (c, l) -> "{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.MANIFEST
                + "\",\"config\":" + c + ",\"layers\":[" + l + "],\"layers\":[]}");
        ImageRef ref = ImageRef.parse("example.org/app@" + m.digest());
        name(from, m, ImageCache.name(ref, ARM64), "");
        UserError e = assertThrows(UserError.class, () -> fromLayout(from).fetch(ref, ARM64, "compose.yaml"));
        assertTrue(e.diagnostics().get(0).message().contains("layers"), e.diagnostics().toString());
    }

    @Test
    void aSizeThatIsAStringOrWrongIsRefused() throws IOException {
        Path from = tmp.resolve("from");
        Blob m = image(from, config("linux", "arm64", null), (c, l) -> "{\"schemaVersion\":2,\"mediaType\":\"" + OciLayout.MANIFEST
                + "\",\"config\":" + c + ",\"layers\":[" + l.replace("\"size\":1024", "\"size\":\"1024\"") + "]}");
        ImageRef ref = ImageRef.parse("example.org/app@" + m.digest());
        name(from, m, ImageCache.name(ref, ARM64), "");
        UserError e = assertThrows(UserError.class, () -> fromLayout(from).fetch(ref, ARM64, "compose.yaml"));
        assertTrue(e.diagnostics().get(0).message().contains("size"), e.diagnostics().toString());

        Path other = tmp.resolve("other");
        Blob wrong = image(other, config("linux", "arm64", null), (c, l) -> "{\"schemaVersion\":2,\"mediaType\":\""
                + OciLayout.MANIFEST + "\",\"config\":" + c + ",\"layers\":[" + l.replace("\"size\":1024", "\"size\":1000") + "]}");
        ImageRef wrongRef = ImageRef.parse("example.org/app@" + wrong.digest());
        name(other, wrong, ImageCache.name(wrongRef, ARM64), "");
        UserError w = assertThrows(UserError.class, () -> fromLayout(other).fetch(wrongRef, ARM64, "compose.yaml"));
        assertTrue(w.diagnostics().get(0).message().contains("1024 bytes"), w.diagnostics().toString());
    }

    @Test
    void aCachePathThatIsAFileIsOneLineAndExitOne() throws IOException {
        ImageRef ref = single(tmp.resolve("from"), "linux/arm64", ARM64);
        Path file = Files.writeString(tmp.resolve("cache-file"), "not a directory\n");
        Cli r = Cli.run("fetch", "--offline", "--cache", file.toString(), "--from", tmp.resolve("from").toString(),
                profile(ref).toString());
        assertEquals(ExitCode.FAILED, r.exitCode(), r.err());
        assertOneLine(r);
        assertTrue(r.err().startsWith(file + ": "), r.err());
        assertEquals("not a directory\n", Files.readString(file));
    }

    /** The registry path: an index entry and a config labelled linux/arm64/v8, as Docker Hub's are, for a linux/arm64 board. */
    @Test
    void aRegistrysArm64V8ImageIsFetchedForALinuxArm64Board() throws IOException, InterruptedException {
        Path layout = tmp.resolve("push");
        Blob single = image(layout, "linux", "arm64", "v8");
        Blob amd64 = image(layout, "linux", "amd64", null);
        Blob idx = index(layout, entry(amd64, "linux/amd64"), entry(single, "linux/arm64/v8"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + named(single, "single") + "," + named(idx, "multi") + "]}");
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(tmp.resolve("registry")))) {
            for (String[] push : List.of(new String[] {"single", "--preserve-digests"}, new String[] {"multi", "--all"})) {
                List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", push[1], "--dest-tls-verify=false",
                        "oci:" + layout + ":" + push[0], "docker://" + registry.host() + "/moducop/" + push[0] + ":1"));
                if (push[1].equals("--all")) {
                    cmd.add(2, "--preserve-digests");
                }
                HostTools.Result r = HostTools.run(cmd);
                assertEquals(0, r.exitCode(), r.output());
            }
            ImageCache cache = new ImageCache(tmp.resolve("cache"), null, false);
            ImageRef s = ImageRef.parse(registry.host() + "/moducop/single:1@" + single.digest());
            assertEquals(single.digest(), cache.fetch(s, ARM64, "compose.yaml").manifestDigest());
            ImageRef m = ImageRef.parse(registry.host() + "/moducop/multi:1@" + idx.digest());
            assertEquals(single.digest(), cache.fetch(m, ARM64, "compose.yaml").manifestDigest());
        }
    }

    private static String named(Blob b, String name) {
        return "{\"mediaType\":\"" + b.mediaType() + "\",\"digest\":\"" + b.digest() + "\",\"size\":" + b.size()
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + name + "\"}}";
    }
}
