package io.moducop.apps;

import io.moducop.util.AtomicFiles;
import io.moducop.util.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * An OCI image layout directory (index.json, blobs/sha256/): the named images in it, and each
 * image's blobs checked against their digests. index.json is replaced in one rename, after the
 * blobs it names are written, so a crash leaves the old list or the new one.
 */
final class OciLayout {

    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("application/vnd\\.[a-z0-9.+-]{1,100}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,254}");

    /** One named entry of index.json. */
    record Ref(String name, String mediaType, String digest, long size) {
        Ref {
            if (name == null || mediaType == null || digest == null || size < 0 || !NAME.matcher(name).matches()
                    || !MEDIA_TYPE.matcher(mediaType).matches() || !DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("not an OCI layout entry: " + name + " " + mediaType + " " + digest);
            }
        }
    }

    /** An image for one platform: its manifest, and every blob it needs (index, manifest, config, layers). */
    record Image(String manifestDigest, List<String> blobs, long bytes) {
    }

    /** A blob or manifest that is missing, not what its digest says, or not an image for the platform. */
    static final class Damaged extends IOException {
        Damaged(String message) {
            super(message, null);
        }
    }

    final Path dir;

    OciLayout(Path dir) {
        this.dir = dir;
    }

    @SuppressWarnings("unchecked")
    List<Ref> refs() throws IOException {
        Path index = dir.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            return List.of();
        }
        List<Ref> out = new ArrayList<>();
        if (!(json(Files.readAllBytes(index)).get("manifests") instanceof List<?> entries)) {
            return out;
        }
        for (Object o : entries) {
            if (!(o instanceof Map<?, ?> e)) {
                continue;
            }
            // an entry that is not what this class writes is passed over (its image is fetched again)
            if (e.get("annotations") instanceof Map<?, ?> a && a.get(REF_NAME) instanceof String n
                    && e.get("mediaType") instanceof String type && e.get("digest") instanceof String digest
                    && e.get("size") instanceof Number size) {
                try {
                    out.add(new Ref(n, type, digest, size.longValue()));
                } catch (IllegalArgumentException notOurs) {
                    // passed over
                }
            }
        }
        return out;
    }

    Optional<Ref> ref(String name) throws IOException {
        return refs().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** Adds or replaces {@code ref}, and drops {@code drop} (a name, or null). */
    void put(Ref ref, String drop) throws IOException {
        List<Ref> refs = new ArrayList<>(refs().stream().filter(r -> !r.name().equals(ref.name()) && !r.name().equals(drop)).toList());
        refs.add(ref);
        writeIndex(refs);
    }

    void writeIndex(List<Ref> refs) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        if (!Files.exists(dir.resolve("oci-layout"))) {
            AtomicFiles.write(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        }
        String entries = refs.stream().map(r -> "{\"mediaType\":\"" + r.mediaType() + "\",\"digest\":\"" + r.digest() + "\",\"size\":"
                + r.size() + ",\"annotations\":{\"" + REF_NAME + "\":\"" + r.name() + "\"}}").collect(Collectors.joining(","));
        AtomicFiles.write(dir.resolve("index.json"), ("{\"schemaVersion\":2,\"manifests\":[" + entries + "]}").getBytes(StandardCharsets.UTF_8));
    }

    Path blob(String digest) {
        return dir.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    }

    /** Stores {@code content} as a blob; its digest. */
    String writeBlob(byte[] content) throws IOException {
        String digest = "sha256:" + Digests.sha256(content);
        if (!Files.exists(blob(digest))) {
            AtomicFiles.write(blob(digest), content);
        }
        return digest;
    }

    /** Copies (hard-links where it can) a blob of {@code from} that is not here yet. */
    void copyBlob(OciLayout from, String digest) throws IOException {
        Path target = blob(digest);
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createLink(tmp, from.blob(digest));
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from.blob(digest), tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        AtomicFiles.move(tmp, target);
    }

    /** The image {@code ref} names for {@code platform}, every blob hashed against its digest. */
    Image image(Ref ref, Platform platform) throws IOException {
        try {
            return parseImage(ref, platform);
        } catch (ClassCastException | NullPointerException e) {
            throw new Damaged("the manifest of " + ref.digest() + " is not an OCI image manifest or index");
        }
    }

    @SuppressWarnings("unchecked")
    private Image parseImage(Ref ref, Platform platform) throws IOException {
        List<String> blobs = new ArrayList<>();
        long bytes = 0;
        String manifestDigest = ref.digest();
        Map<String, Object> m = json(verified(ref.digest()));
        blobs.add(ref.digest());
        bytes += Files.size(blob(ref.digest()));
        if (m.get("manifests") instanceof List<?> entries) {
            manifestDigest = null;
            for (Object o : entries) {
                Map<String, Object> e = (Map<String, Object>) o;
                Map<String, Object> p = (Map<String, Object>) e.getOrDefault("platform", Map.of());
                if (platform.matches((String) p.get("os"), (String) p.get("architecture"), (String) p.get("variant"))) {
                    manifestDigest = (String) e.get("digest");
                    break;
                }
            }
            if (manifestDigest == null) {
                throw new Damaged("the index " + ref.digest() + " has no image for " + platform);
            }
            m = json(verified(manifestDigest));
            blobs.add(manifestDigest);
            bytes += Files.size(blob(manifestDigest));
        }
        List<Map<String, Object>> parts = new ArrayList<>((List<Map<String, Object>>) m.getOrDefault("layers", List.of()));
        parts.add((Map<String, Object>) m.get("config"));
        for (Map<String, Object> part : parts) {
            String d = part == null ? null : (String) part.get("digest");
            verified(d);
            blobs.add(d);
            bytes += Files.size(blob(d));
        }
        return new Image(manifestDigest, List.copyOf(blobs), bytes);
    }

    /** A blob's content, after checking it against its digest (manifests and configs are small). */
    private byte[] verified(String digest) throws IOException {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new Damaged("a manifest names a blob without a sha256 digest");
        }
        Path file = blob(digest);
        if (!Files.isRegularFile(file)) {
            throw new Damaged("blob " + digest + " is missing");
        }
        if (!Digests.sha256(file).equals(digest.substring(7))) {
            throw new Damaged("blob " + digest + " does not match its digest");
        }
        return Files.size(file) < (4 << 20) ? Files.readAllBytes(file) : new byte[0];
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(byte[] text) {
        Object o = text.length == 0 ? null : new Yaml(new LoaderOptions()).load(new String(text, StandardCharsets.UTF_8));
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
