package io.moducop.apps;

import io.moducop.UserError;
import io.moducop.util.AtomicFiles;
import io.moducop.util.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An OCI image layout directory (index.json, blobs/sha256/): the named images in it, and each
 * image's blobs checked against their descriptors' sizes and digests. index.json is replaced in
 * one rename, after the blobs it names are written, so a crash leaves the old list or the new one.
 * Every blob is a regular file of the layout: a symbolic link, FIFO or device is refused, never
 * followed, and nothing is written through a link.
 */
final class OciLayout {

    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final Set<String> CONFIGS = Set.of("application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json");
    private static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("application/vnd\\.[a-z0-9.+-]{1,100}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,254}");

    /** One named entry of index.json. */
    record Ref(String name, String mediaType, String digest, long size) {
        Ref {
            if (!valid(name, mediaType, digest, size)) {
                throw new IllegalArgumentException("not an OCI layout entry: " + name + " " + mediaType + " " + digest);
            }
        }

        static boolean valid(String name, String mediaType, String digest, long size) {
            return name != null && mediaType != null && digest != null && size >= 0 && NAME.matcher(name).matches()
                    && MEDIA_TYPE.matcher(mediaType).matches() && DIGEST.matcher(digest).matches();
        }
    }

    /** A blob as a descriptor gives it: its digest and its size. */
    record Blob(String digest, long size) {
    }

    /** An image for one platform: its manifest, and every blob it needs (index, manifest, config, layers). */
    record Image(String manifestDigest, List<Blob> blobs, long bytes) {
    }

    /** A blob or manifest that is missing, not what its descriptor says, or not what an OCI image is made of. */
    static class Damaged extends IOException {
        Damaged(String message) {
            super(message, null);
        }
    }

    /** An image that is not for the board's platform, or an index without one. */
    static final class WrongPlatform extends Damaged {
        WrongPlatform(String message) {
            super(message);
        }
    }

    final Path dir;

    OciLayout(Path dir) {
        this.dir = dir;
    }

    List<Ref> refs() throws IOException {
        Path index = dir.resolve("index.json");
        if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        OciJson.Obj top = OciJson.parse(OciJson.read(index, "index.json"), "index.json");
        top.schemaVersion2();
        List<Ref> out = new ArrayList<>();
        for (OciJson.Obj e : top.objects("manifests")) {
            String type = e.string("mediaType");
            String digest = e.string("digest");
            long size = e.size("size");
            OciJson.Obj a = e.optionalObject("annotations");
            String name = a == null ? null : a.optionalString(REF_NAME);
            // an entry without a name, or not what this class writes, is passed over (its image is fetched again)
            if (Ref.valid(name, type, digest, size)) {
                out.add(new Ref(name, type, digest, size));
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

    /**
     * Creates the layout's directories, or checks that they are directories and not symbolic links
     * (or files) that writes would follow out of it.
     */
    void prepare() throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        for (Path d : List.of(dir, dir.resolve("blobs"), dir.resolve("blobs/sha256"))) {
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    throw UserError.of(d.toString(), "is not a plain directory (a symbolic link or a file)",
                            "moducop does not write through symbolic links: move it away");
                }
            }
        }
    }

    void writeIndex(List<Ref> refs) throws IOException {
        prepare();
        if (!Files.exists(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS)) {
            AtomicFiles.write(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        }
        List<Map<String, Object>> manifests = new ArrayList<>();
        for (Ref r : refs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mediaType", r.mediaType());
            m.put("digest", r.digest());
            m.put("size", r.size());
            m.put("annotations", Map.of(REF_NAME, r.name()));
            manifests.add(m);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("manifests", manifests);
        AtomicFiles.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    Path blob(String digest) {
        return dir.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    }

    /** Stores {@code content} as a blob; its digest. */
    String writeBlob(byte[] content) throws IOException {
        String digest = "sha256:" + Digests.sha256(content);
        if (!Files.isRegularFile(blob(digest), LinkOption.NOFOLLOW_LINKS)) {
            AtomicFiles.write(blob(digest), content);
        }
        return digest;
    }

    /**
     * Copies a blob of {@code from} that is not here yet, streamed and checked against its size
     * and digest as it is copied: never a link to the other layout's file.
     */
    void copyBlob(OciLayout from, Blob b) throws IOException {
        Path target = blob(b.digest());
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return; // checked against its digest wherever it is used
        }
        Path tmp = temp(target);
        try {
            from.copyTo(b, tmp);
            AtomicFiles.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Hard-links a blob of {@code from} (the image cache, its blobs just checked) where it can, else
     * copies it as {@link #copyBlob} does. link(2) does not follow a symbolic link, so what it made
     * is checked to be a regular file: the cache's own, not a link out of it.
     */
    void linkBlob(OciLayout from, Blob b) throws IOException {
        Path target = blob(b.digest());
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path tmp = temp(target);
        try {
            boolean linked;
            try {
                Files.createLink(tmp, from.blob(b.digest()));
                linked = Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                linked = false; // another file system: copied below
            }
            if (!linked) {
                Files.deleteIfExists(tmp);
                from.copyTo(b, tmp);
            }
            AtomicFiles.move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temp(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Writes blob {@code b} to the new file {@code tmp}, checked, and flushed to disk. */
    private void copyTo(Blob b, Path tmp) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            stream(b, Channels.newOutputStream(ch));
            ch.force(true);
        }
    }

    /** The image {@code ref} names for {@code platform}, every blob hashed against its digest. */
    Image image(Ref ref, Platform platform) throws IOException {
        return image(ref, platform, true);
    }

    /**
     * The image {@code ref} names for {@code platform}: the manifests and the config read and
     * checked, and the config's os, architecture and variant the platform's. {@code hashLayers}
     * false: the layers are only checked to be there with their size (a copy checks them).
     */
    Image image(Ref ref, Platform platform, boolean hashLayers) throws IOException {
        List<Blob> blobs = new ArrayList<>();
        Blob top = new Blob(ref.digest(), ref.size());
        String type = ref.mediaType();
        String what = "the manifest " + ref.digest();
        OciJson.Obj m = OciJson.parse(bytes(top), what);
        blobs.add(top);
        String manifestDigest = ref.digest();
        if (type.equals(INDEX) || type.equals(DOCKER_LIST)) {
            mediaType(m, type);
            Descriptor d = select(m, platform, "the index " + ref.digest());
            Blob b = new Blob(d.digest(), d.size());
            what = "the manifest " + d.digest();
            m = OciJson.parse(bytes(b), what);
            blobs.add(b);
            manifestDigest = d.digest();
            type = d.mediaType();
        }
        if (!type.equals(MANIFEST) && !type.equals(DOCKER_MANIFEST)) {
            throw new Damaged(what + " is a " + type + ", not an image manifest or index");
        }
        mediaType(m, type);
        Descriptor config = Descriptor.of(m.object("config"));
        if (!CONFIGS.contains(config.mediaType())) {
            throw new Damaged(what + " is not a container image: its config is a " + config.mediaType());
        }
        List<Blob> layers = new ArrayList<>();
        for (OciJson.Obj l : m.objects("layers")) {
            Descriptor d = Descriptor.of(l);
            layers.add(new Blob(d.digest(), d.size()));
        }
        Blob c = new Blob(config.digest(), config.size());
        OciJson.Obj cfg = OciJson.parse(bytes(c), "the config " + c.digest());
        blobs.add(c);
        String os = cfg.string("os");
        String arch = cfg.string("architecture");
        String variant = cfg.optionalString("variant");
        if (!platform.matches(os, arch, variant)) {
            throw new WrongPlatform(what + " is an image for " + Platform.describe(os, arch, variant) + ", the board runs " + platform);
        }
        for (Blob l : layers) {
            if (hashLayers) {
                stream(l, OutputStream.nullOutputStream());
            } else {
                open(l).close();
            }
            blobs.add(l);
        }
        return new Image(manifestDigest, List.copyOf(blobs), blobs.stream().mapToLong(Blob::size).sum());
    }

    /** A descriptor in a manifest or index (the OCI image spec's, all three fields required). */
    record Descriptor(String mediaType, String digest, long size, OciJson.Obj platform) {
        static Descriptor of(OciJson.Obj o) throws Damaged {
            String type = o.string("mediaType");
            String digest = o.string("digest");
            long size = o.size("size");
            if (!MEDIA_TYPE.matcher(type).matches()) {
                throw new Damaged(o.what() + ": mediaType is not a media type");
            }
            if (!DIGEST.matcher(digest).matches()) {
                throw new Damaged(o.what() + ": digest is not a sha256 digest");
            }
            return new Descriptor(type, digest, size, o.optionalObject("platform"));
        }
    }

    /**
     * The first image manifest of an index for {@code platform}; entries of another media type are
     * passed over, as the image spec says. {@code what} names the index in the message.
     */
    static Descriptor select(OciJson.Obj index, Platform platform, String what) throws Damaged {
        index.schemaVersion2();
        Set<String> seen = new LinkedHashSet<>();
        for (OciJson.Obj e : index.objects("manifests")) {
            String type = e.string("mediaType");
            if (!type.equals(MANIFEST) && !type.equals(DOCKER_MANIFEST)) {
                continue;
            }
            Descriptor d = Descriptor.of(e);
            if (d.platform() == null) {
                continue;
            }
            String os = d.platform().string("os");
            String arch = d.platform().string("architecture");
            String variant = d.platform().optionalString("variant");
            if (platform.matches(os, arch, variant)) {
                return d;
            }
            seen.add(Platform.describe(os, arch, variant));
        }
        String has = seen.isEmpty() ? "no image for any platform"
                : seen.stream().limit(10).collect(Collectors.joining(", ")) + (seen.size() > 10 ? ", ..." : "");
        throw new WrongPlatform(what + " has no image for " + platform + " (it has " + has + ")");
    }

    /** The OCI image spec: a manifest's or index's mediaType, where it has one, is its descriptor's. */
    private static void mediaType(OciJson.Obj m, String type) throws Damaged {
        String own = m.optionalString("mediaType");
        if (own != null && !own.equals(type)) {
            throw new Damaged(m.what() + " says it is a " + own + ", its descriptor a " + type);
        }
    }

    /**
     * Opens a blob: a regular file (not a symbolic link, FIFO or device) of the size its
     * descriptor gives.
     */
    private InputStream open(Blob b) throws IOException {
        Path file = blob(b.digest());
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Damaged("blob " + b.digest() + " is missing");
        }
        if (a.isSymbolicLink()) {
            throw new Damaged("blob " + b.digest() + " is a symbolic link");
        }
        if (!a.isRegularFile()) {
            throw new Damaged("blob " + b.digest() + " is not a regular file");
        }
        if (a.size() != b.size()) {
            throw new Damaged("blob " + b.digest() + " is " + a.size() + " bytes, its descriptor says " + b.size());
        }
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies blob {@code b} to {@code out}, no more than its size, checking its digest. */
    private void stream(Blob b, OutputStream out) throws IOException {
        MessageDigest md = Digests.sha256();
        long total = 0;
        try (InputStream in = open(b)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > b.size()) {
                    break;
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        if (total != b.size()) {
            throw new Damaged("blob " + b.digest() + " changed size while it was read");
        }
        if (!HexFormat.of().formatHex(md.digest()).equals(b.digest().substring(7))) {
            throw new Damaged("blob " + b.digest() + " does not match its digest");
        }
    }

    /** A manifest's or config's content, checked against its digest; at most {@link OciJson#MAX_BYTES}. */
    private byte[] bytes(Blob b) throws IOException {
        if (b.size() > OciJson.MAX_BYTES) {
            throw new Damaged("blob " + b.digest() + " is larger than " + (OciJson.MAX_BYTES >> 20) + " MiB, too large for a manifest or config");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) b.size());
        stream(b, out);
        return out.toByteArray();
    }
}
