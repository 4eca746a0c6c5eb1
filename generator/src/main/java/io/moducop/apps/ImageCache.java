package io.moducop.apps;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.util.Digests;
import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
     * Every image of the profile's applications, for its board's platform, each reported as
     * "APP SERVICE PLATFORM: fetched|cached (manifest DIGEST, SIZE)"; the images, each once.
     */
    public List<ImageRef> fetchAll(io.moducop.profile.Profile p, java.util.function.Consumer<String> report)
            throws IOException, InterruptedException {
        Platform platform = Platform.parse(p.base().containerPlatform());
        List<ImageRef> refs = new ArrayList<>();
        for (App app : p.apps()) {
            for (ComposeApp.Service s : app.compose().services()) {
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

    /** {@code where} names the image in messages (compose file and service). */
    public Entry fetch(ImageRef ref, Platform platform, String where) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = ch.lock()) {
            OciLayout cache = new OciLayout(layout());
            String name = name(ref, platform);
            if (cache.ref(name).isPresent()) {
                return entry(cache, ref, platform, name, where, false);
            }
            if (from != null) {
                OciLayout source = new OciLayout(from);
                OciLayout.Ref r = source.ref(name).orElseThrow(() -> failure(where, ref.reference() + " for " + platform
                        + " is not in " + from, "copy the image cache's oci directory from a machine that fetched it"));
                OciLayout.Image image = checked(source, r, platform, where, ref);
                for (String blob : image.blobs()) {
                    cache.copyBlob(source, blob);
                }
                cache.put(r, null);
            } else if (offline) {
                throw failure(where, ref.reference() + " for " + platform + " is not in the image cache " + dir + " (offline)",
                        "fetch it once with network: ./moducop fetch PROFILE, or give --from an OCI directory that has it");
            } else {
                download(cache, ref, platform, name, where);
            }
            return entry(cache, ref, platform, name, where, true);
        }
    }

    /**
     * The images a board's slot holds: an OCI layout at {@code out} with each image of {@code refs}
     * (already fetched) under its {@link ImageRef#localName}, blobs hard-linked from the cache. The
     * same images give the same bytes.
     */
    public void export(List<ImageRef> refs, Platform platform, Path out) throws IOException {
        OciLayout cache = new OciLayout(layout());
        OciLayout target = new OciLayout(out);
        java.util.TreeMap<String, OciLayout.Ref> named = new java.util.TreeMap<>();
        for (ImageRef ref : refs) {
            String where = ref.reference();
            OciLayout.Ref r = cache.ref(name(ref, platform)).orElseThrow(() -> failure(where, "not in the image cache " + dir
                    + " for " + platform, "fetch it first: ./moducop fetch PROFILE"));
            for (String blob : checked(cache, r, platform, where, ref).blobs()) {
                target.copyBlob(cache, blob);
            }
            named.put(ref.localName(), new OciLayout.Ref(ref.localName(), r.mediaType(), r.digest(), r.size()));
        }
        target.writeIndex(List.copyOf(named.values()));
    }

    private Entry entry(OciLayout cache, ImageRef ref, Platform platform, String name, String where, boolean fetched)
            throws IOException {
        OciLayout.Ref r = cache.ref(name).orElseThrow();
        if (!r.digest().equals(ref.digest())) {
            throw failure(where, "the image cache names " + r.digest() + " as " + ref.reference(), "the cache " + dir
                    + " is damaged: delete it and fetch again");
        }
        OciLayout.Image image = checked(cache, r, platform, where, ref);
        return new Entry(ref, platform, name, image.manifestDigest(), image.bytes(), fetched);
    }

    /**
     * The pinned manifest, hashed here too; for an index, skopeo copies the board's entry and the
     * index is stored beside it under the name; for a single image its config must have the board's platform.
     */
    private void download(OciLayout cache, ImageRef ref, Platform platform, String name, String where)
            throws IOException, InterruptedException {
        try {
            downloadChecked(cache, ref, platform, name, where);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw failure(where, "the registry's manifest of " + ref.reference() + " is not an OCI image manifest or index", null);
        }
    }

    @SuppressWarnings("unchecked")
    private void downloadChecked(OciLayout cache, ImageRef ref, Platform platform, String name, String where)
            throws IOException, InterruptedException {
        String tls = "--tls-verify=" + !loopback(ref);
        String repository = "docker://" + ref.name();
        String pinned = repository + "@" + ref.digest(); // the digest decides; skopeo takes no tag beside it
        byte[] raw = skopeo(where, ref, List.of("inspect", "--raw", tls, pinned));
        if (!("sha256:" + Digests.sha256(raw)).equals(ref.digest())) {
            throw failure(where, "the registry's manifest of " + ref.reference() + " does not have the pinned digest",
                    "the registry or a proxy changed it: do not use this image");
        }
        Map<String, Object> m = OciLayout.json(raw);
        String partial = name + ".partial";
        String copy = "--src-tls-verify=" + !loopback(ref);
        if (m.get("manifests") instanceof List<?> entries) {
            String instance = null;
            List<String> seen = new ArrayList<>();
            for (Object o : entries) {
                Map<String, Object> e = (Map<String, Object>) o;
                Map<String, Object> p = (Map<String, Object>) e.getOrDefault("platform", Map.of());
                seen.add(p.get("os") + "/" + p.get("architecture") + (p.get("variant") == null ? "" : "/" + p.get("variant")));
                if (instance == null && platform.matches((String) p.get("os"), (String) p.get("architecture"), (String) p.get("variant"))) {
                    instance = (String) e.get("digest");
                }
            }
            if (instance == null) {
                throw failure(where, ref.reference() + " has no image for " + platform + " (it has " + String.join(", ", seen) + ")",
                        "pin a digest of an image built for the board's platform");
            }
            skopeo(where, ref, List.of("copy", "--preserve-digests", copy, repository + "@" + instance, "oci:" + layout() + ":" + partial));
            cache.writeBlob(raw);
            Object mediaType = m.getOrDefault("mediaType", OciLayout.INDEX);
            if (!OciLayout.INDEX.equals(mediaType) && !OciLayout.DOCKER_LIST.equals(mediaType)) {
                throw failure(where, "the registry's index of " + ref.reference() + " has an unknown media type", null);
            }
            cache.put(new OciLayout.Ref(name, (String) mediaType, ref.digest(), raw.length), partial);
        } else {
            Map<String, Object> config = OciLayout.json(skopeo(where, ref, List.of("inspect", "--config", "--raw", tls, pinned)));
            if (!platform.matches((String) config.get("os"), (String) config.get("architecture"), (String) config.get("variant"))) {
                throw failure(where, ref.reference() + " is an image for " + config.get("os") + "/" + config.get("architecture")
                        + (config.get("variant") == null ? "" : "/" + config.get("variant")) + ", the board runs " + platform,
                        "pin a digest of an image built for the board's platform");
            }
            skopeo(where, ref, List.of("copy", "--preserve-digests", copy, pinned, "oci:" + layout() + ":" + partial));
            OciLayout.Ref stored = cache.ref(partial).orElseThrow(() -> failure(where, "skopeo stored no image " + partial, null));
            cache.put(new OciLayout.Ref(name, stored.mediaType(), stored.digest(), stored.size()), partial);
        }
    }

    private OciLayout.Image checked(OciLayout layout, OciLayout.Ref r, Platform platform, String where, ImageRef ref) throws IOException {
        try {
            return layout.image(r, platform);
        } catch (OciLayout.Damaged e) {
            throw failure(where, ref.reference() + " in " + layout.dir + ": " + e.getMessage(),
                    "the layout is damaged: delete it and fetch again");
        }
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
