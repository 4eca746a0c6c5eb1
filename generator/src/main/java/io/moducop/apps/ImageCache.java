package io.moducop.apps;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.util.Digests;
import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The applications' images, outside every generated layer: one OCI image layout ({@code DIR/oci})
 * whose blobs all images share, each image named {@code PINNED-HEX.OS-ARCH[-VARIANT]}. A digest
 * pinned to a multi-platform index keeps that index (so podman on the device knows the image by
 * the pinned digest) with only the board's platform's manifest and blobs. Images come from their
 * registry (skopeo, with the standard containers auth file and registries.conf) or, with
 * {@code from}, from another cache's layout; every blob is checked against its digest whenever
 * it is used.
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

    /** ~/.cache/moducop/images */
    public static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "moducop", "images");
    }

    public Path layout() {
        return dir.resolve("oci");
    }

    /** The name of an image in the layout. */
    public static String name(ImageRef ref, Platform p) {
        return ref.hex() + "." + p.os() + "-" + p.architecture() + (p.variant() == null ? "" : "-" + p.variant());
    }

    /**
     * Every image of a profile's applications, for its board's platform, each reported as
     * "APP SERVICE PLATFORM: fetched|cached (manifest DIGEST, SIZE)"; the images, each once.
     */
    public List<ImageRef> fetchAll(List<App> apps, Platform platform, java.util.function.Consumer<String> report)
            throws IOException, InterruptedException {
        List<ImageRef> refs = new ArrayList<>();
        for (App app : apps) {
            for (ComposeFile.Service s : app.compose().services()) {
                Entry e = fetch(s.image(), platform, app.composeSource() + ": services." + s.name() + ".image");
                report.accept(String.format(java.util.Locale.ROOT, "%s %s %s: %s (manifest %s, %.1f MiB)", app.name(), s.name(),
                        platform, e.fetched() ? "fetched" : "cached", e.manifestDigest(), e.bytes() / 1048576.0));
                if (!refs.contains(s.image())) {
                    refs.add(s.image());
                }
            }
        }
        return refs;
    }

    /**
     * {@code where} names the image in messages (compose file and service). The cache's lock file
     * and layout directories are never followed through a symbolic link; an I/O error is an
     * {@link IoFailure} naming the path.
     */
    public Entry fetch(ImageRef ref, Platform platform, String where) throws IOException, InterruptedException {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new java.nio.file.NotDirectoryException(dir.toString());
            }
            Files.createDirectories(dir);
            Path lock = dir.resolve(".lock");
            if (Files.exists(lock, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
                throw UserError.of(lock.toString(), "is not a plain file (a symbolic link, directory or device)",
                        "moducop does not write through symbolic links: move it away");
            }
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                    FileLock ignored = ch.lock()) {
                OciLayout cache = new OciLayout(layout());
                cache.prepare();
                return fetchLocked(cache, ref, platform, where);
            }
        } catch (IOException e) {
            throw IoFailure.of(e, dir, "cannot use the image cache");
        }
    }

    private Entry fetchLocked(OciLayout cache, ImageRef ref, Platform platform, String where) throws IOException, InterruptedException {
        String name = name(ref, platform);
        Optional<OciLayout.Ref> cached = in(cache, where, ref, () -> cache.ref(name));
        if (cached.isPresent()) {
            return entry(ref, platform, name, pinned(cache, cached.get(), where, ref, platform), false);
        }
        if (from != null) {
            OciLayout source = new OciLayout(from);
            OciLayout.Ref r = in(source, where, ref, () -> source.ref(name)).orElseThrow(() -> failure(where, ref.reference()
                    + " for " + platform + " is not in " + from, "copy the image cache's oci directory from a machine that fetched it"));
            OciLayout.Image image = pinned(source, r, where, ref, platform, false);
            for (OciLayout.Blob blob : image.blobs()) {
                in(source, where, ref, () -> {
                    cache.copyBlob(source, blob);
                    return null;
                });
            }
            OciLayout.Image stored = pinned(cache, r, where, ref, platform);
            cache.put(r, null);
            return entry(ref, platform, name, stored, true);
        }
        if (offline) {
            throw failure(where, ref.reference() + " for " + platform + " is not in the image cache " + dir + " (offline)",
                    "fetch it once with network: ./moducop fetch PROFILE, or give --from an OCI directory that has it");
        }
        return entry(ref, platform, name, download(cache, ref, platform, name, where), true);
    }

    /** Whether the cache names {@code ref} for {@code platform}; fetches nothing (export checks the image's blobs). */
    public boolean has(ImageRef ref, Platform platform, String where) throws IOException {
        try {
            OciLayout cache = new OciLayout(layout());
            return in(cache, where, ref, () -> cache.ref(name(ref, platform))).isPresent();
        } catch (IOException e) {
            throw IoFailure.of(e, dir, "cannot use the image cache");
        }
    }

    /**
     * The images a board's slot holds: an OCI layout at {@code out} with each image of {@code refs}
     * (already fetched) under its {@link ImageRef#localName}, blobs hard-linked from the cache (or
     * copied). The same images give the same bytes.
     */
    public void export(List<ImageRef> refs, Platform platform, Path out) throws IOException {
        try {
            OciLayout cache = new OciLayout(layout());
            OciLayout target = new OciLayout(out);
            target.prepare();
            java.util.TreeMap<String, OciLayout.Ref> named = new java.util.TreeMap<>();
            for (ImageRef ref : refs) {
                String where = ref.reference();
                OciLayout.Ref r = in(cache, where, ref, () -> cache.ref(name(ref, platform))).orElseThrow(() -> failure(where,
                        "not in the image cache " + dir + " for " + platform, "fetch it first: ./moducop fetch PROFILE"));
                for (OciLayout.Blob blob : pinned(cache, r, where, ref, platform).blobs()) {
                    in(cache, where, ref, () -> {
                        target.linkBlob(cache, blob);
                        return null;
                    });
                }
                named.put(ref.localName(), new OciLayout.Ref(ref.localName(), r.mediaType(), r.digest(), r.size()));
            }
            target.writeIndex(List.copyOf(named.values()));
        } catch (IOException e) {
            throw IoFailure.of(e, out, "cannot export the application images");
        }
    }

    private static Entry entry(ImageRef ref, Platform platform, String name, OciLayout.Image image, boolean fetched) {
        return new Entry(ref, platform, name, image.manifestDigest(), image.bytes(), fetched);
    }

    /** The image {@code r} names in {@code layout}, which must be the pinned one, checked for the platform. */
    private OciLayout.Image pinned(OciLayout layout, OciLayout.Ref r, String where, ImageRef ref, Platform platform) throws IOException {
        return pinned(layout, r, where, ref, platform, true);
    }

    private OciLayout.Image pinned(OciLayout layout, OciLayout.Ref r, String where, ImageRef ref, Platform platform, boolean hashLayers)
            throws IOException {
        if (!r.digest().equals(ref.digest())) {
            throw failure(where, layout.dir + " names " + r.digest() + " as " + ref.reference(), hint(layout));
        }
        return in(layout, where, ref, () -> layout.image(r, platform, hashLayers));
    }

    /**
     * The pinned manifest, hashed here too; for an index, skopeo copies the board's entry and the
     * index is stored beside it under the name; for a single image its config must have the board's
     * platform. The stored image is checked before the cache names it.
     */
    private OciLayout.Image download(OciLayout cache, ImageRef ref, Platform platform, String name, String where)
            throws IOException, InterruptedException {
        String tls = "--tls-verify=" + !loopback(ref);
        String repository = "docker://" + ref.name();
        String pinned = repository + "@" + ref.digest(); // the digest decides; skopeo takes no tag beside it
        byte[] raw = skopeo(where, ref, List.of("inspect", "--raw", tls, pinned));
        if (!("sha256:" + Digests.sha256(raw)).equals(ref.digest())) {
            throw failure(where, "the registry's manifest of " + ref.reference() + " does not have the pinned digest",
                    "the registry or a proxy changed it: do not use this image");
        }
        String partial = name + ".partial";
        String copy = "--src-tls-verify=" + !loopback(ref);
        OciLayout.Ref named;
        try {
            OciJson.Obj m = OciJson.parse(raw, "the registry's manifest of " + ref.reference());
            if (m.node().has("manifests")) {
                String mediaType = Optional.ofNullable(m.optionalString("mediaType")).orElse(OciLayout.INDEX);
                if (!OciLayout.INDEX.equals(mediaType) && !OciLayout.DOCKER_LIST.equals(mediaType)) {
                    throw failure(where, "the registry's index of " + ref.reference() + " has an unknown media type", null);
                }
                OciLayout.Descriptor instance = OciLayout.select(m, platform, ref.reference());
                skopeo(where, ref, List.of("copy", "--preserve-digests", copy, repository + "@" + instance.digest(),
                        "oci:" + layout() + ":" + partial));
                cache.writeBlob(raw);
                named = new OciLayout.Ref(name, mediaType, ref.digest(), raw.length);
            } else {
                OciJson.Obj config = OciJson.parse(skopeo(where, ref, List.of("inspect", "--config", "--raw", tls, pinned)),
                        "the registry's config of " + ref.reference());
                String os = config.string("os");
                String arch = config.string("architecture");
                String variant = config.optionalString("variant");
                if (!platform.matches(os, arch, variant)) {
                    throw failure(where, ref.reference() + " is an image for " + Platform.describe(os, arch, variant)
                            + ", the board runs " + platform, "pin a digest of an image built for the board's platform");
                }
                skopeo(where, ref, List.of("copy", "--preserve-digests", copy, pinned, "oci:" + layout() + ":" + partial));
                OciLayout.Ref stored = in(cache, where, ref, () -> cache.ref(partial))
                        .orElseThrow(() -> failure(where, "skopeo stored no image " + partial, null));
                named = new OciLayout.Ref(name, stored.mediaType(), stored.digest(), stored.size());
            }
        } catch (OciLayout.WrongPlatform e) {
            throw failure(where, e.getMessage(), "pin a digest of an image built for the board's platform");
        } catch (OciLayout.Damaged e) {
            throw failure(where, e.getMessage(), null);
        }
        OciLayout.Image image = pinned(cache, named, where, ref, platform);
        cache.put(named, partial);
        return image;
    }

    /** A call on a layout; its {@link OciLayout.Damaged} is a message naming the image and the layout. */
    private interface LayoutCall<T> {
        T call() throws IOException;
    }

    private <T> T in(OciLayout layout, String where, ImageRef ref, LayoutCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (OciLayout.WrongPlatform e) {
            throw failure(where, ref.reference() + " in " + layout.dir + ": " + e.getMessage(),
                    "pin a digest of an image built for the board's platform");
        } catch (OciLayout.Damaged e) {
            throw failure(where, ref.reference() + " in " + layout.dir + ": " + e.getMessage(), hint(layout));
        }
    }

    private String hint(OciLayout layout) {
        return layout.dir.equals(layout()) ? "the image cache is damaged: delete " + dir + " and fetch again"
                : "the OCI directory is damaged or not an image cache's oci/: copy it again from a machine that fetched the image";
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

    /** Like Docker, a registry on the loopback interface is spoken to without TLS. */
    static boolean loopback(ImageRef ref) {
        String host = ref.registry() == null ? "" : ref.registry().replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.matches("127(\\.[0-9]{1,3}){3}");
    }

    private static UserError failure(String where, String message, String hint) {
        return new UserError(List.of(Diagnostic.of(where, message, hint)), ExitCode.FETCH_FAILED);
    }
}
