package io.moducop.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.moducop.Diagnostic;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.apps.ImageCache;
import io.moducop.apps.ImageRef;
import io.moducop.apps.Platform;
import io.moducop.util.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of mutated OCI layouts given to fetch --from (and left in the cache for the next
 * fetch): index.json, the image index, the manifest or the config mutated, the blobs re-hashed so
 * that the mutant reaches the JSON reader, sometimes a symbolic link planted in the source or the
 * cache. Every case ends in an image fetched for the board's platform, a {@link UserError} or an
 * {@link IoFailure}, never another exception; nothing outside the cache directory changes and no
 * link moducop did not find there appears in it. Rerun a failure with {@code -Dmoducop.fuzz.seed=N}
 * (and {@code -Dmoducop.fuzz.cases=N} for more cases).
 */
class OciLayoutFuzzTest {

    private static final long SEED = Long.getLong("moducop.fuzz.seed", 20261207L);
    private static final int CASES = Integer.getInteger("moducop.fuzz.cases", 3000);
    private static final Platform ARM64 = Platform.parse("linux/arm64");
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final byte[] LAYER_BYTES = new byte[1024];

    /** JSON values an attacker or a broken tool would write; some are valid somewhere on purpose. */
    private static final List<String> VALUES = List.of("\"x\"", "\"\"", "1", "0", "-1", "1e3", "1.5", "1024", "2", "3",
            "99999999999999999999999", "9223372036854775807", "-9223372036854775808", "4194305", "null", "true", "false",
            "[]", "{}", "[1]", "{\"a\":1}", "\"linux\"", "\"arm64\"", "\"amd64\"", "\"arm\"", "\"v8\"", "\"v7\"", "\"v1\"", "\"8\"",
            "\"windows\"", "\"LINUX\"", "\"arm64\\u0000\"", "\"\\u001b[2J\"", "\"\\ud800\"", "\"\\u202e\"", "\"a\\nb\"",
            "\"" + INDEX + "\"", "\"" + MANIFEST + "\"", "\"" + CONFIG + "\"", "\"application/vnd.docker.distribution.manifest.list.v2+json\"",
            "\"application/vnd.docker.distribution.manifest.v2+json\"", "\"application/json\"", "\"sha256:" + "0".repeat(64) + "\"",
            "\"sha256:" + Digests.sha256(LAYER_BYTES) + "\"", "\"sha256:../../../../etc/passwd\"", "\"sha512:" + "a".repeat(128) + "\"",
            "\"SHA256:" + "A".repeat(64) + "\"", "\"../../x\"", "\"/etc/passwd\"", "\"x.linux-arm64\"",
            "\"" + "a".repeat(70000) + "\"", "[".repeat(2000) + "]".repeat(2000), "{\"os\":\"linux\",\"architecture\":\"arm64\"}",
            "{\"os\":\"linux\",\"architecture\":\"amd64\"}", "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}");

    /** A scalar value after "key": in the JSON this test writes. */
    private static final Pattern SCALAR = Pattern.compile("(?<=\":)(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|true|false|null)");
    /** The oracle for what was fetched: the config as a strict JSON reader sees it. */
    private static final ObjectMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Pattern KEY = Pattern.compile("\"([A-Za-z.]+)\":");

    /** On tmpfs where there is one: the cache's fsyncs would otherwise make most of the run's time. */
    @TempDir(factory = Shm.class)
    Path tmp;

    static final class Shm implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "moducop-oci-fuzz")
                    : Files.createTempDirectory("moducop-oci-fuzz");
        }
    }

    /** The parts of a layout, as text; {@link #write} hashes them bottom-up so a mutant keeps consistent digests. */
    private record Parts(String config, String manifest, String index, String indexJson) {
        Parts with(int part, String text) {
            return new Parts(part == 0 ? text : config, part == 1 ? text : manifest, part == 2 ? text : index, part == 3 ? text : indexJson);
        }

        String part(int part) {
            return switch (part) {
                case 0 -> config;
                case 1 -> manifest;
                case 2 -> index;
                default -> indexJson;
            };
        }
    }

    private static String descriptor(String mediaType, String digest, long size, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + extra + "}";
    }

    private static String sha(String text) {
        return "sha256:" + Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int len(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The parts of a valid layout, {@code mutate} applied to part {@code which} once the parts below
     * it are hashed: 0 config, 1 manifest, 2 index (null: a single-image layout), 3 index.json.
     */
    private static Parts build(boolean withIndex, int which, java.util.function.UnaryOperator<String> mutate) {
        String config = "{\"architecture\":\"arm64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + Digests.sha256(LAYER_BYTES) + "\"]}}";
        config = which == 0 ? mutate.apply(config) : config;
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":" + descriptor(CONFIG, sha(config), len(config), "")
                + ",\"layers\":[" + descriptor(LAYER, "sha256:" + Digests.sha256(LAYER_BYTES), LAYER_BYTES.length, "") + "]}";
        manifest = which == 1 ? mutate.apply(manifest) : manifest;
        String index = null;
        String top = manifest;
        String topType = MANIFEST;
        if (withIndex) {
            index = "{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":["
                    + descriptor(MANIFEST, sha(manifest), len(manifest), ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}")
                    + "]}";
            index = which == 2 ? mutate.apply(index) : index;
            top = index;
            topType = INDEX;
        }
        String name = ImageCache.name(ref(top), ARM64);
        String indexJson = "{\"schemaVersion\":2,\"manifests\":[" + descriptor(topType, sha(top), len(top),
                ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + name + "\"}") + "]}";
        indexJson = which == 3 ? mutate.apply(indexJson) : indexJson;
        return new Parts(config, manifest, index, indexJson);
    }

    private static ImageRef ref(String top) {
        return ImageRef.parse("example.org/app@" + sha(top));
    }

    private static void write(Path layout, Parts p) throws IOException {
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("blobs/sha256/" + Digests.sha256(LAYER_BYTES)), LAYER_BYTES);
        for (String part : new String[] {p.config(), p.manifest(), p.index()}) {
            if (part != null) {
                Files.writeString(layout.resolve("blobs/sha256/" + sha(part).substring(7)), part);
            }
        }
        Files.writeString(layout.resolve("index.json"), p.indexJson());
    }

    /** A JSON-aware mutation most of the time, else the profile fuzzer's (YAML-aware and byte-level). */
    private static String mutate(Random r, Mutator bytes, String json) {
        Matcher m = SCALAR.matcher(json);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int[] span = spans.get(r.nextInt(spans.size()));
        String value = VALUES.get(r.nextInt(VALUES.size()));
        return switch (r.nextInt(8)) {
            case 0, 1, 2 -> json.substring(0, span[0]) + value + json.substring(span[1]);
            case 3 -> {
                // a key twice, the second with another value
                Matcher k = KEY.matcher(json);
                List<Integer> at = new ArrayList<>();
                while (k.find()) {
                    at.add(k.start());
                }
                int i = at.get(r.nextInt(at.size()));
                Matcher one = KEY.matcher(json);
                one.find(i);
                yield json.substring(0, i) + one.group() + value + "," + json.substring(i);
            }
            case 4 -> {
                // a key renamed or dropped (with its scalar value)
                String renamed = json.substring(0, span[0]) + "0" + json.substring(span[1]);
                yield r.nextBoolean() ? renamed.replaceFirst("\"(os|architecture|size|digest|mediaType|variant)\"", "\"$1 \"")
                        : json.replaceFirst(",?\"(os|architecture|size|digest|mediaType|variant|config|layers|manifests|annotations)\":"
                                + "(\"[^\"]*\"|[0-9]+|\\{[^{}]*\\}|\\[[^\\[\\]]*\\])", "");
            }
            case 5 -> switch (r.nextInt(5)) {
                case 0 -> json + value;
                case 1 -> "\ufeff" + json;
                case 2 -> json.substring(0, r.nextInt(json.length()));
                case 3 -> "[" + json + "]";
                default -> json.replace(",", ",\n\t").replace("{", "{\n\t");
            };
            default -> new String(bytes.mutate(json), StandardCharsets.UTF_8);
        };
    }

    /** Paths, kinds, sizes and modification times of everything under {@code dir} but {@code except}, links not followed. */
    private static TreeMap<String, String> snapshot(Path dir, Path except) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(p -> !p.startsWith(except)).toList()) {
                String kind = Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : "file " + Files.size(p) + " " + Files.getLastModifiedTime(p).toInstant();
                out.put(dir.relativize(p).toString(), kind);
            }
        }
        return out;
    }

    private static Set<Path> links(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new HashSet<>(s.filter(Files::isSymbolicLink).toList());
        }
    }

    /** Plants a symbolic link out of the source or the cache, one case in eight; the links planted in the cache. */
    private static Set<Path> plant(Random r, Path from, Path cache, Path outside, Parts p) throws IOException {
        Set<Path> planted = new HashSet<>();
        if (r.nextInt(8) != 0) {
            return planted;
        }
        Path layer = from.resolve("blobs/sha256/" + Digests.sha256(LAYER_BYTES));
        switch (r.nextInt(6)) {
            case 0 -> {
                Path copy = outside.resolve("layer-copy");
                Files.copy(layer, copy);
                Files.delete(layer);
                Files.createSymbolicLink(layer, copy);
            }
            case 1 -> {
                Path copy = outside.resolve("index-copy.json");
                Files.move(from.resolve("index.json"), copy);
                Files.createSymbolicLink(from.resolve("index.json"), copy);
            }
            case 2 -> planted.add(Files.createSymbolicLink(Files.createDirectories(cache).resolve(".lock"), outside.resolve("made")));
            case 3 -> planted.add(Files.createSymbolicLink(Files.createDirectories(cache).resolve("oci"), outside.resolve("dir")));
            case 4 -> planted.add(Files.createSymbolicLink(Files.createDirectories(cache.resolve("oci")).resolve("blobs"),
                    outside.resolve("dir")));
            default -> planted.add(Files.createSymbolicLink(Files.createDirectories(cache.resolve("oci/blobs/sha256"))
                    .resolve(Digests.sha256(LAYER_BYTES)), outside.resolve("victim")));
        }
        return planted;
    }

    @Test
    void mutatedLayoutsAreFetchedOrRefusedAsUserOrIoErrorsAndNothingOutsideTheCacheChanges() {
        assertTimeoutPreemptively(Duration.ofMinutes(5), this::fuzz, "seed " + SEED + ": the cases did not end in time");
    }

    private void fuzz() throws IOException, InterruptedException {
        System.out.println("OciLayoutFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Random r = new Random(SEED);
        Mutator bytes = new Mutator(r);
        int fetched = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            boolean withIndex = r.nextBoolean();
            int which = withIndex ? r.nextInt(4) : new int[] {0, 1, 3}[r.nextInt(3)];
            Parts p = build(withIndex, which, json -> mutate(r, bytes, json));
            Path base = Files.createDirectories(tmp.resolve("case" + i));
            Path from = base.resolve("from");
            Path cache = base.resolve("cache");
            Path outside = Files.createDirectories(base.resolve("outside"));
            Files.createDirectories(outside.resolve("dir"));
            Files.writeString(outside.resolve("victim"), "victim\n");
            write(from, p);
            Set<Path> planted = plant(r, from, cache, outside, p);
            ImageRef ref = ref(withIndex ? p.index() : p.manifest());
            String where = "seed " + SEED + " case " + i + ", part " + which + " (" + (withIndex ? "index" : "single") + "):\n"
                    + Diagnostic.escape(p.part(which).length() > 2000 ? p.part(which).substring(0, 2000) + "..." : p.part(which));
            TreeMap<String, String> before = snapshot(base, cache);
            boolean fromCacheToo = r.nextInt(4) == 0;
            try {
                ImageCache.Entry e = new ImageCache(cache, from, true).fetch(ref, ARM64, "compose.yaml");
                assertEquals(sha(p.manifest()), e.manifestDigest(), where);
                JsonNode config = STRICT.readTree(p.config());
                assertTrue(config.path("os").asText().equals("linux") && config.path("architecture").asText().equals("arm64")
                        && List.of("", "v8", "8").contains(config.path("variant").asText("")), where + "\nfetched for linux/arm64: " + p.config());
                fetched++;
                if (fromCacheToo) {
                    // the mutant as the cache holds it, read back without --from
                    ImageCache.Entry again = new ImageCache(cache, null, true).fetch(ref, ARM64, "compose.yaml");
                    assertEquals(e.manifestDigest(), again.manifestDigest(), where);
                }
            } catch (UserError e) {
                refused++;
                assertTrue(e.exitCode() == 2 || e.exitCode() == 9, where + "\nexit " + e.exitCode() + ": " + e.diagnostics());
                for (Diagnostic d : e.diagnostics()) {
                    assertTrue(d.format().lines().count() <= 2, where + "\n" + d.format());
                }
            } catch (IoFailure e) {
                refused++;
                assertEquals(1, e.format().lines().count(), where + "\n" + e.format());
            } catch (RuntimeException | Error | IOException e) {
                fail(where + "\nneither a user error nor an I/O failure: " + e, e);
            }
            assertEquals(before, snapshot(base, cache), where + "\nsomething outside the cache changed");
            Set<Path> links = Files.exists(cache) ? links(cache) : Set.of();
            assertTrue(planted.containsAll(links), where + "\na link in the cache moducop did not find there: " + links);
            delete(base);
        }
        System.out.printf("OciLayoutFuzzTest: %d cases, %d fetched, %d refused, %.1f s (%.1f s CPU)%n", CASES, fetched, refused,
                (System.nanoTime() - start) / 1e9, java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9);
        assertTrue(fetched > CASES / 50, "too few mutants are valid to reach a fetch: " + fetched);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
