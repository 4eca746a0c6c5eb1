package io.moducop.apps;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.util.Digests;
import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The applications' images, outside every generated layer: one OCI image layout ({@code DIR/oci})
 * whose blobs are shared by all images, each image named {@code PINNED-HEX.OS-ARCH[-VARIANT]}.
 * Images come from their registry (skopeo, with the standard containers auth file and
 * registries.conf) or, with {@code from}, from another such layout; every manifest and blob is
 * checked against its digest whenever it is used.
 */
public final class ImageCache {

    /** One image for one platform: the digest pinned in the compose file and the platform manifest it resolved to. */
    public record Entry(ImageRef ref, Platform platform, String name, String manifestDigest, long bytes, boolean fetched) {
    }

    private static final Duration SKOPEO_TIMEOUT = Duration.ofMinutes(30);

    private final Path dir;
    private final Path from;
    private final boolean offline;

    /** {@code from}: an OCI layout laid out like {@code DIR/oci} to take images from (null: the registries). */
    public ImageCache(Path dir, Path from, boolean offline) {
        this.dir = dir;
        this.from = from;
        this.offline = offline;
    }

    public Path layout() {
        return dir.resolve("oci");
    }

    /** The name of an image in the layout. */
    public static String name(ImageRef ref, Platform p) {
        return ref.hex() + "." + p.os() + "-" + p.architecture() + (p.variant() == null ? "" : "-" + p.variant());
    }

    /** {@code where} names the image in messages (compose file and service). */
    public Entry fetch(ImageRef ref, Platform platform, String where) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = ch.lock()) {
            String name = name(ref, platform);
            Optional<String> cached = manifestOf(layout(), name);
            if (cached.isPresent()) {
                return new Entry(ref, platform, name, cached.get(), verify(layout(), cached.get(), where, ref), false);
            }
            if (from != null) {
                String digest = manifestOf(from, name).orElseThrow(() -> failure(where, ref.reference() + " for " + platform
                        + " is not in " + from, "copy the image cache's oci directory from a machine that fetched it"));
                verify(from, digest, where, ref);
                skopeo(where, ref, List.of("copy", "--preserve-digests", "oci:" + from + ":" + name, "oci:" + layout() + ":" + name));
            } else if (offline) {
                throw failure(where, ref.reference() + " for " + platform + " is not in the image cache " + dir + " (offline)",
                        "fetch it once with network: ./moducop fetch PROFILE, or give --from an OCI directory that has it");
            } else {
                String digest = resolve(ref, platform, where);
                skopeo(where, ref, List.of("copy", "--preserve-digests", "--src-tls-verify=" + !loopback(ref),
                        "docker://" + repository(ref) + "@" + digest, "oci:" + layout() + ":" + name));
            }
            String digest = manifestOf(layout(), name).orElseThrow(() -> failure(where, "skopeo stored no image " + name, null));
            return new Entry(ref, platform, name, digest, verify(layout(), digest, where, ref), true);
        }
    }

    /**
     * The pinned manifest, checked against its digest here too; for an index the entry of
     * {@code platform}, for a single image its config's platform.
     */
    @SuppressWarnings("unchecked")
    private String resolve(ImageRef ref, Platform platform, String where) throws IOException, InterruptedException {
        String tls = "--tls-verify=" + !loopback(ref);
        String pinned = "docker://" + repository(ref) + "@" + ref.digest(); // the digest decides; skopeo takes no tag beside it
        byte[] raw = skopeo(where, ref, List.of("inspect", "--raw", tls, pinned));
        if (!("sha256:" + Digests.sha256(raw)).equals(ref.digest())) {
            throw failure(where, "the registry's manifest of " + ref.reference() + " does not have the pinned digest",
                    "the registry or a proxy changed it: do not use this image");
        }
        Map<String, Object> m = json(new String(raw, StandardCharsets.UTF_8));
        if (m.get("manifests") instanceof List<?> entries) {
            List<String> seen = new ArrayList<>();
            for (Object o : entries) {
                Map<String, Object> e = (Map<String, Object>) o;
                Map<String, Object> p = (Map<String, Object>) e.getOrDefault("platform", Map.of());
                seen.add(p.get("os") + "/" + p.get("architecture") + (p.get("variant") == null ? "" : "/" + p.get("variant")));
                if (platform.matches((String) p.get("os"), (String) p.get("architecture"), (String) p.get("variant"))) {
                    return (String) e.get("digest");
                }
            }
            throw failure(where, ref.reference() + " has no image for " + platform + " (it has " + String.join(", ", seen) + ")",
                    "pin a digest of an image built for the board's platform");
        }
        Map<String, Object> config = json(new String(skopeo(where, ref, List.of("inspect", "--config", "--raw", tls, pinned)), StandardCharsets.UTF_8));
        if (!platform.matches((String) config.get("os"), (String) config.get("architecture"), (String) config.get("variant"))) {
            throw failure(where, ref.reference() + " is an image for " + config.get("os") + "/" + config.get("architecture")
                    + (config.get("variant") == null ? "" : "/" + config.get("variant")) + ", the board runs " + platform,
                    "pin a digest of an image built for the board's platform");
        }
        return ref.digest();
    }

    /** The digest of the manifest named {@code name} in an OCI layout, if it is there. */
    @SuppressWarnings("unchecked")
    static Optional<String> manifestOf(Path layout, String name) throws IOException {
        Path index = layout.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            return Optional.empty();
        }
        for (Object o : (List<Object>) json(Files.readString(index)).getOrDefault("manifests", List.of())) {
            Map<String, Object> e = (Map<String, Object>) o;
            Map<String, Object> a = (Map<String, Object>) e.getOrDefault("annotations", Map.of());
            if (name.equals(a.get("org.opencontainers.image.ref.name"))) {
                return Optional.of((String) e.get("digest"));
            }
        }
        return Optional.empty();
    }

    /** Every blob the manifest names, and the manifest itself, hashed against its digest; the image's size in bytes. */
    @SuppressWarnings("unchecked")
    private static long verify(Path layout, String manifestDigest, String where, ImageRef ref) throws IOException {
        long total = blob(layout, manifestDigest, where, ref);
        Map<String, Object> manifest = json(Files.readString(layout.resolve("blobs/sha256/" + manifestDigest.substring(7))));
        List<Map<String, Object>> blobs = new ArrayList<>((List<Map<String, Object>>) manifest.getOrDefault("layers", List.of()));
        blobs.add((Map<String, Object>) manifest.get("config"));
        for (Map<String, Object> b : blobs) {
            total += blob(layout, b == null ? null : (String) b.get("digest"), where, ref);
        }
        return total;
    }

    /** The size of a blob whose content matches its digest. */
    private static long blob(Path layout, String digest, String where, ImageRef ref) throws IOException {
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
            throw failure(where, "the image cache's manifest of " + ref.reference() + " names a blob without a sha256 digest", null);
        }
        Path file = layout.resolve("blobs/sha256/" + digest.substring(7));
        boolean present = Files.isRegularFile(file);
        if (!present || !Digests.sha256(file).equals(digest.substring(7))) {
            throw failure(where, "the image cache's blob " + digest + " of " + ref.reference()
                    + (present ? " does not match its digest" : " is missing"),
                    "the cache " + layout + " is damaged: delete it and fetch again");
        }
        return Files.size(file);
    }

    /** skopeo's standard output, exactly. */
    private static byte[] skopeo(String where, ImageRef ref, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(args);
        Processes.Captured r;
        try {
            r = Processes.capture(cmd, SKOPEO_TIMEOUT);
        } catch (IOException e) {
            throw UserError.of("fetch", "skopeo is not installed", "apt-get install skopeo", ExitCode.MISSING_TOOL);
        }
        if (!r.ok()) {
            String last = r.errors().strip().lines().reduce((a, b) -> b).orElse("exit " + r.exitCode());
            throw failure(where, "cannot fetch " + ref.reference() + ": " + last,
                    "check the digest and the registry; credentials come from the containers auth file (skopeo login REGISTRY)");
        }
        return r.output();
    }

    private static String repository(ImageRef ref) {
        return (ref.registry() == null ? "" : ref.registry() + "/") + ref.repository();
    }

    /** Like Docker, a registry on the loopback interface is spoken to without TLS. */
    static boolean loopback(ImageRef ref) {
        String host = ref.registry() == null ? "" : ref.registry().replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.matches("127(\\.[0-9]{1,3}){3}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        Object o = new Yaml(new LoaderOptions()).load(text);
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static UserError failure(String where, String message, String hint) {
        return new UserError(List.of(Diagnostic.of(where, message, hint)), ExitCode.FETCH_FAILED);
    }
}
