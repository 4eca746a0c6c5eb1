package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.machine.Release;
import io.moducop.util.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies the flashable image out of bitbake's deploy directory into the artifacts directory,
 * with manifest.json. Everything is first written into a staging directory beside it and only
 * renamed into place when complete, so the artifacts directory never holds half a result: it
 * holds either the previous build's complete set or this one's.
 */
public final class Artifacts {

    /** One copied file. */
    public record FileEntry(String name, long size, String sha256) {
    }

    /** What manifest.json records. */
    public record Manifest(String machine, String distro, String image, List<LockFile.Entry> layers,
            List<FileEntry> files) {
    }

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

    /** Copies and hashes, writes the manifest, then swaps the staged directory into {@code target}. */
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
        Path parent = target.toAbsolutePath().getParent();
        Path staging = parent.resolve("." + target.getFileName() + ".moducop-staging");
        Path old = parent.resolve("." + target.getFileName() + ".moducop-old");
        try {
            Files.createDirectories(parent);
            SourceCheckout.deleteTree(staging);
            SourceCheckout.deleteTree(old);
            Files.createDirectories(staging);
            List<FileEntry> files = new ArrayList<>();
            for (Map.Entry<String, Path> src : sources.entrySet()) {
                String name = src.getKey();
                Path dst = staging.resolve(name);
                Files.copy(src.getValue(), dst, StandardCopyOption.COPY_ATTRIBUTES);
                files.add(new FileEntry(name, Files.size(dst), Digests.sha256(dst)));
            }
            Manifest m = new Manifest(machine, BuildConfig.DISTRO, BuildConfig.IMAGE, lock.repos(), files);
            Files.writeString(staging.resolve("manifest.json"), toJson(m), StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            SourceCheckout.deleteTree(old);
            return m;
        } catch (IOException e) {
            SourceCheckout.deleteTree(staging);
            throw io.moducop.IoFailure.of(e, target, "cannot write the artifacts");
        }
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

    /** Fixed key order, two-space indent, one trailing newline: byte-identical for identical builds. */
    public static String toJson(Manifest m) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"machine\": ").append(q(m.machine())).append(",\n");
        sb.append("  \"distro\": ").append(q(m.distro())).append(",\n");
        sb.append("  \"image\": ").append(q(m.image())).append(",\n");
        sb.append("  \"layers\": [\n");
        for (int i = 0; i < m.layers().size(); i++) {
            LockFile.Entry e = m.layers().get(i);
            sb.append("    {\"name\": ").append(q(e.name())).append(", \"url\": ").append(q(e.url()))
                    .append(", \"branch\": ").append(q(e.branch())).append(", \"commit\": ").append(q(e.commit())).append('}')
                    .append(i + 1 < m.layers().size() ? ",\n" : "\n");
        }
        sb.append("  ],\n  \"files\": [\n");
        for (int i = 0; i < m.files().size(); i++) {
            FileEntry f = m.files().get(i);
            sb.append("    {\"name\": ").append(q(f.name())).append(", \"size\": ").append(f.size())
                    .append(", \"sha256\": ").append(q(f.sha256())).append('}')
                    .append(i + 1 < m.files().size() ? ",\n" : "\n");
        }
        sb.append("  ]\n}\n");
        return sb.toString();
    }

    private static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
