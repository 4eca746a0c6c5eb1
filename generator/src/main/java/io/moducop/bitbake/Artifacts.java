package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.machine.Release;
import io.moducop.util.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies the flashable image out of bitbake's deploy directory into the artifacts directory,
 * with manifest.json, which names the set. The artifacts directory may be the user's (--artifacts
 * DIR) and hold other files: moducop replaces or removes only the files the previous manifest.json
 * lists (read as untrusted input) and its own staging directory, .moducop-staging, and refuses to
 * overwrite any other file. Everything is first written into the staging directory; then the old
 * manifest is removed, each file renamed into place, what the old manifest listed and this build
 * did not make removed, and the new manifest renamed in last. Killed at any moment, the directory
 * holds the previous set with its manifest, or this one's, or (during the renames) no
 * manifest.json at all; never a manifest naming files of another build.
 */
public final class Artifacts {

    /** One copied file. */
    public record FileEntry(String name, long size, String sha256) {
    }

    /** What manifest.json records. */
    public record Manifest(String machine, String distro, String image, List<LockFile.Entry> layers,
            List<FileEntry> files) {
    }

    static final String MANIFEST = "manifest.json";
    static final String STAGING = ".moducop-staging";
    private static final int MAX_MANIFEST_BYTES = 1 << 20;
    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private Artifacts() {
    }

    /**
     * The deploy names (links bitbake keeps pointing at the newest build) moducop collects, in
     * manifest order: the image, its bmap and SBOM; with {@code bundle}, also the RAUC update bundle
     * (bundle.bbclass: BUNDLE_LINK_NAME = PN-MACHINE).
     */
    private static List<String> expectedNames(Release release, String machine, boolean bundle) {
        String base = BuildConfig.IMAGE + "-" + machine + ".rootfs";
        List<String> names = new ArrayList<>(List.of(base + ".wic", base + ".wic.bmap", base + release.sbomSuffix()));
        if (bundle) {
            names.add(BuildConfig.BUNDLE + "-" + machine + ".raucb");
        }
        return names;
    }

    /** Copies and hashes into the staging directory, then renames into {@code target} as the class comment describes. */
    public static Manifest collect(Path deployDir, Path buildDir, Path target, Release release, String machine, LockFile lock,
            boolean bundle) {
        Map<String, Path> sources = new LinkedHashMap<>(); // name in the deploy directory -> the file it is
        List<String> missing = new ArrayList<>();
        for (String n : expectedNames(release, machine, bundle)) {
            Path p = deployDir.resolve(n);
            if (Files.isRegularFile(p)) {
                sources.put(n, inside(p, buildDir));
            } else {
                missing.add(n);
            }
        }
        Path cve = deployDir.resolve(BuildConfig.IMAGE + "-" + machine + ".rootfs" + release.cveSuffix());
        if (Files.isRegularFile(cve)) {
            sources.put(cve.getFileName().toString(), inside(cve, buildDir));
        }
        if (!missing.isEmpty()) {
            throw UserError.of(deployDir.toString(), "bitbake finished but " + String.join(", ", missing) + " is missing",
                    "check IMAGE_FSTYPES of the machine (wic wic.bmap) and that create-spdx is inherited, in the build log", ExitCode.FAILED);
        }
        Path dir = target.toAbsolutePath().normalize();
        Path staging = dir.resolve(STAGING);
        Path manifestFile = dir.resolve(MANIFEST);
        boolean staged = false;
        try {
            if (Files.isSymbolicLink(dir)) {
                throw UserError.of(dir.toString(), "the artifacts directory is a symbolic link; moducop writes only into plain"
                        + " directories", "name the directory itself with --artifacts", ExitCode.BAD_INPUT);
            }
            Files.createDirectories(dir);
            Set<String> previous = previousFiles(manifestFile);
            for (String name : sources.keySet()) {
                Path p = dir.resolve(name);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !previous.contains(name)) {
                    throw UserError.of(p.toString(), "exists, and manifest.json does not list it as moducop's: moducop replaces"
                            + " only the files of its previous build", "move it away, or use another --artifacts directory",
                            ExitCode.BAD_INPUT);
                }
            }
            if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
                    throw UserError.of(staging.toString(), "is not a directory; moducop stages the artifacts under this name",
                            "move it away", ExitCode.BAD_INPUT);
                }
                org.apache.commons.io.file.PathUtils.deleteDirectory(staging); // a killed run's; links are removed, not followed
            }
            Files.createDirectory(staging);
            staged = true;
            List<FileEntry> files = new ArrayList<>();
            for (Map.Entry<String, Path> src : sources.entrySet()) {
                String name = src.getKey();
                Path dst = staging.resolve(name);
                Files.copy(src.getValue(), dst, StandardCopyOption.COPY_ATTRIBUTES);
                files.add(new FileEntry(name, Files.size(dst), Digests.sha256(dst)));
            }
            Manifest m = new Manifest(machine, BuildConfig.DISTRO, BuildConfig.IMAGE, lock.repos(), files);
            Files.writeString(staging.resolve(MANIFEST), toJson(m), StandardCharsets.UTF_8);
            Files.deleteIfExists(manifestFile); // from here until the new one is in place, no manifest names a set
            for (String name : sources.keySet()) {
                Files.move(staging.resolve(name), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            for (String name : previous) {
                Path p = dir.resolve(name);
                if (!sources.containsKey(name) && (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p))) {
                    Files.delete(p); // a link itself, never what it names
                }
            }
            Files.move(staging.resolve(MANIFEST), manifestFile, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(staging);
            return m;
        } catch (IOException e) {
            if (staged) {
                SourceCheckout.deleteTree(staging);
            }
            throw io.moducop.IoFailure.of(e, target, "cannot write the artifacts");
        }
    }

    /**
     * The file names the manifest.json in the artifacts directory lists: what moducop wrote there
     * last, and may replace or remove. It is untrusted (the directory may be the checkout's): bounded,
     * not followed through a link, and every name a plain file name; anything else is refused.
     */
    static Set<String> previousFiles(Path manifestFile) throws IOException {
        if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            return Set.of();
        }
        String hint = "it is not the manifest.json moducop writes: move it away, or use another --artifacts directory";
        if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            throw UserError.of(manifestFile.toString(), "is not a plain file", hint, ExitCode.BAD_INPUT);
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw UserError.of(manifestFile.toString(), "is larger than " + MAX_MANIFEST_BYTES + " bytes", hint, ExitCode.BAD_INPUT);
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        try {
            com.fasterxml.jackson.databind.JsonNode files = JSON.readTree(bytes).get("files");
            if (files == null || !files.isArray()) {
                throw UserError.of(manifestFile.toString(), "has no \"files\" list", hint, ExitCode.BAD_INPUT);
            }
            for (com.fasterxml.jackson.databind.JsonNode f : files) {
                com.fasterxml.jackson.databind.JsonNode name = f.get("name");
                if (name == null || !name.isTextual() || !FILE_NAME.matcher(name.asText()).matches() || name.asText().equals(MANIFEST)) {
                    throw UserError.of(manifestFile.toString(), "lists " + name
                            + ", not a plain file name of an artifact", hint, ExitCode.BAD_INPUT);
                }
                names.add(name.asText());
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw UserError.of(manifestFile.toString(), "is not valid JSON", hint, ExitCode.BAD_INPUT);
        }
        return names;
    }

    /**
     * The file a deploy-directory entry is, links resolved (bitbake links the plain names to
     * timestamped files). It must be inside the build directory: what wrote the deploy directory
     * runs the profile's recipes, and moducop copies as root.
     */
    private static Path inside(Path p, Path buildDir) {
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(buildDir.toRealPath())) {
                throw UserError.of(p.toString(), "is a link to " + real + ", outside the build directory " + buildDir,
                        "the image must be bitbake's own output; check what the profile's recipes write to the deploy directory",
                        ExitCode.FAILED);
            }
            return real;
        } catch (IOException e) {
            throw io.moducop.IoFailure.of(e, p, "cannot read the image");
        }
    }

    /**
     * Fixed key order, one line per top-level key and per list entry, one trailing newline:
     * byte-identical for identical builds. Jackson writes it (and escapes the strings); {@link Layout} lays it out.
     */
    public static String toJson(Manifest m) {
        List<Map<String, Object>> layers = m.layers().stream().map(e -> object("name", e.name(), "url", e.url(),
                "branch", e.branch(), "commit", e.commit())).toList();
        List<Map<String, Object>> files = m.files().stream().map(f -> object("name", f.name(), "size", f.size(),
                "sha256", f.sha256())).toList();
        Map<String, Object> doc = object("machine", m.machine(), "distro", m.distro(), "image", m.image(),
                "layers", layers, "files", files);
        try {
            return JSON.writer(new Layout()).writeValueAsString(doc) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // strings, numbers, lists and maps always serialize
        }
    }

    /** A map of {@code keyValues} (key, value, key, value ...), in that order. */
    private static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** The top-level object one key a line, each list one entry a line, each entry on its line: {"k": v, "k": v}. */
    private static final class Layout extends com.fasterxml.jackson.core.util.MinimalPrettyPrinter {
        private int depth;

        @Override
        public void writeStartObject(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            depth++;
            g.writeRaw('{');
        }

        @Override
        public void beforeObjectEntries(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(depth == 1 ? "\n  " : "");
        }

        @Override
        public void writeObjectFieldValueSeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(depth == 1 ? ",\n  " : ", ");
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator g, int entries) throws IOException {
            g.writeRaw(depth-- == 1 ? "\n}" : "}");
        }

        @Override
        public void beforeArrayValues(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw("\n    ");
        }

        @Override
        public void writeArrayValueSeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(",\n    ");
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator g, int values) throws IOException {
            g.writeRaw("\n  ]");
        }
    }
}
