package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.util.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

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
     * manifest order; with {@code bundle}, also the RAUC update bundle (bundle.bbclass: BUNDLE_LINK_NAME = PN-MACHINE).
     */
    private static List<String> expectedNames(String image, String machine, boolean bundle) {
        String base = image + "-" + machine + ".rootfs";
        return bundle ? List.of(base + ".wic", base + ".wic.bmap", BuildConfig.BUNDLE + "-" + machine + ".raucb")
                : List.of(base + ".wic", base + ".wic.bmap");
    }

    /** Copies and hashes, writes the manifest, then swaps the staged directory into {@code target}. */
    public static Manifest collect(Path deployDir, Path target, String machine, LockFile lock, boolean bundle) {
        List<Path> sources = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String n : expectedNames(BuildConfig.IMAGE, machine, bundle)) {
            Path p = deployDir.resolve(n);
            if (Files.isRegularFile(p)) {
                sources.add(p);
            } else {
                missing.add(n);
            }
        }
        if (!missing.isEmpty()) {
            throw UserError.of(deployDir.toString(), "bitbake finished but " + String.join(", ", missing) + " is missing",
                    "check IMAGE_FSTYPES of the machine (wic wic.bmap) in the build log", ExitCode.FAILED);
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
            for (Path src : sources) {
                String name = src.getFileName().toString();
                Path dst = staging.resolve(name);
                Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES); // follows the deploy link
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
            throw new UncheckedIOException("cannot write artifacts to " + target + ": " + e.getMessage(), e);
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
