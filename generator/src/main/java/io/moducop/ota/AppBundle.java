package io.moducop.ota;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.apps.App;
import io.moducop.apps.ComposeFile;
import io.moducop.apps.ImageCache;
import io.moducop.apps.ImageRef;
import io.moducop.apps.Platform;
import io.moducop.bitbake.RaucSigning;
import io.moducop.layer.LayerGenerator;
import io.moducop.profile.Profile;
import io.moducop.util.AtomicFiles;
import io.moducop.util.Digests;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A signed RAUC bundle with a profile's applications as artifacts of the {@code apps} repository
 * (type {@code trees}): one {@code [image.apps/NAME]} per application, a tar holding the
 * application's compose.yaml and images list exactly as the generated layer has them, and
 * {@code oci/}, an OCI layout with the images its compose file pins, from the image cache.
 * The tars are the same bytes from the same inputs (sorted entries, mtime 0, owner 0:0, fixed
 * modes), so RAUC, which stores an artifact under its image hash, installs an unchanged app set once.
 *
 * <p>{@link #plan} checks everything a user can get wrong before anything is written; {@link Plan#make}
 * builds in a private directory beside the output and renames the finished bundle into place.
 */
public final class AppBundle {

    /** The artifact repository name the device's system.conf will give the apps. */
    public static final String REPOSITORY = "apps";
    /** RAUC takes any string; this one stays one word in manifests, file names and logs. */
    public static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+~_-]{0,63}");
    private static final Duration RAUC_TIMEOUT = Duration.ofMinutes(30);
    private static final int DIR_MODE = 040755;
    private static final int FILE_MODE = 0100644;

    private AppBundle() {
    }

    /** What the command prints. */
    public record Made(Path file, long bytes, String compatible, String version, List<String> apps, int images) {
    }

    /** A checked request: the profile, where its images and keys are, the version (null: derived from the content). */
    public record Plan(Profile profile, ImageCache images, Platform platform, RaucSigning signing, byte[] keyring, String version,
            Path output) {

        /** Builds the bundle with {@code rauc}, checks it against the profile's keyring, and renames it to the output. */
        public Made make(RaucHost rauc) throws InterruptedException {
            Path dir = output.getParent();
            Path work;
            try {
                work = Files.createTempDirectory(dir, "." + output.getFileName() + ".",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw IoFailure.of(e, dir, "cannot create the bundle's work directory");
            }
            // Ctrl-C ends the JVM without running this thread's finally: the hook removes the work directory then
            Thread cleanup = new Thread(() -> deleteQuietly(work), "moducop-app-bundle-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                return build(rauc, work);
            } catch (IOException e) {
                throw IoFailure.of(e, work, "cannot make the app bundle");
            } finally {
                deleteQuietly(work);
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running
                }
            }
        }

        private static void deleteQuietly(Path work) {
            try {
                org.apache.commons.io.file.PathUtils.deleteDirectory(work); // removes links, never what they name
            } catch (IOException e) {
                // best effort: the outcome of the run is what counts
            }
        }

        private Made build(RaucHost rauc, Path work) throws IOException, InterruptedException {
            SortedMap<String, byte[]> layers = new LayerGenerator().generate(List.of(profile));
            Path content = Files.createDirectory(work.resolve("content"));
            StringBuilder sums = new StringBuilder();
            int imageCount = 0;
            for (App app : profile.apps()) {
                Path tree = Files.createDirectory(work.resolve("tree-" + app.name()));
                for (String name : List.of("compose.yaml", "images")) {
                    Files.write(tree.resolve(name), layers.get(LayerGenerator.appFile(app.name(), name)));
                }
                List<ImageRef> refs = app.compose().images();
                images.export(refs, platform, tree.resolve("oci"));
                imageCount += refs.size();
                Path tar = content.resolve(app.name() + ".tar");
                writeTar(tree, tar);
                org.apache.commons.io.file.PathUtils.deleteDirectory(tree);
                sums.append(app.name()).append(' ').append(Digests.sha256(tar)).append('\n');
            }
            String v = version != null ? version : "apps-" + Digests.sha256(sums.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 12);
            Files.writeString(content.resolve("manifest.raucm"), manifest(v));

            String bundle = RaucHost.WORK + "/bundle.raucb";
            Processes.Result made = rauc.run(work, signing.key(), signing.cert(), List.of("bundle", "--cert=" + RaucHost.CERT,
                    "--key=" + RaucHost.KEY, RaucHost.WORK + "/content", bundle), RAUC_TIMEOUT);
            if (!made.ok()) {
                throw UserError.of(profile.source(), "rauc bundle failed: " + lastLine(made), null, ExitCode.FAILED);
            }
            Files.write(work.resolve("keyring.pem"), keyring);
            Processes.Result info = rauc.run(work, null, null, List.of("--keyring=" + RaucHost.WORK + "/keyring.pem", "info", bundle),
                    RAUC_TIMEOUT);
            if (!info.ok()) {
                throw UserError.of(profile.source(), "the bundle does not verify with the profile's keyring: " + lastLine(info),
                        "ota.signing's certificate must be issued by a CA in the keyring (ota.keyring or "
                                + RaucSigning.KEYRING_DIR_ENV + ")", ExitCode.BAD_INPUT);
            }
            Path made1 = work.resolve("bundle.raucb");
            try (FileChannel ch = FileChannel.open(made1, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            checkOutput(output); // again: a link that appeared meanwhile is still not written through
            AtomicFiles.move(made1, output); // rename(2) replaces a name, it never follows one
            return new Made(output, Files.size(output), profile.ota().compatible(), v, profile.apps().stream().map(App::name).toList(),
                    imageCount);
        }

        private String manifest(String v) {
            StringBuilder m = new StringBuilder();
            m.append("[update]\ncompatible=").append(profile.ota().compatible()).append("\nversion=").append(v)
                    .append("\ndescription=moducop app bundle: ").append(String.join(" ", profile.apps().stream().map(App::name).toList()))
                    .append("\n\n[bundle]\nformat=verity\n");
            for (App app : profile.apps()) {
                m.append("\n[image.").append(REPOSITORY).append('/').append(app.name()).append("]\nfilename=").append(app.name())
                        .append(".tar\n");
            }
            return m.toString();
        }
    }

    /**
     * Checks what can be checked without RAUC: applications, update client, version, output path,
     * every pinned image in the cache, signing key and certificate, keyring. {@code profileArg} is
     * the profile as the user named it, for the fetch hint.
     */
    public static Plan plan(Profile p, Path imageCache, String version, Path output, Map<String, String> env, String profileArg) {
        if (p.apps().isEmpty()) {
            throw UserError.of(p.source(), "has no applications: an app bundle carries the profile's apps",
                    "list them under apps: (name and compose file), see docs/applications.md");
        }
        if (!p.ota().rauc()) {
            throw UserError.of(p.source(), "ota.client is none: app bundles are RAUC bundles", "set ota.client: rauc");
        }
        if (version != null && !VERSION.matcher(version).matches()) {
            throw UserError.of("--version " + Diagnostic.escape(version), "is not a bundle version",
                    "1 to 64 characters: letters, digits and . + ~ _ -, starting with a letter or digit, e.g. 2.1.0");
        }
        Path out = output.toAbsolutePath().normalize();
        checkOutput(out);
        ImageCache images = new ImageCache(imageCache, null, true);
        Platform platform = Platform.parse(p.base().containerPlatform());
        List<Diagnostic> missing = new ArrayList<>();
        for (App app : p.apps()) {
            for (ComposeFile.Service s : app.compose().services()) {
                String where = app.composeSource() + ": services." + s.name() + ".image";
                try {
                    if (!images.has(s.image(), platform, where)) {
                        missing.add(Diagnostic.of(where, s.image().reference() + " for " + platform + " is not in the image cache "
                                + imageCache, "fetch it first: ./moducop fetch " + profileArg));
                    }
                } catch (IOException e) {
                    throw IoFailure.of(e, imageCache, "cannot use the image cache");
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError(missing);
        }
        RaucSigning signing = RaucSigning.resolve(p, env, true).orElseThrow();
        byte[] keyring;
        if (p.ota().keyringPem() != null) {
            keyring = p.ota().keyringPem().getBytes(StandardCharsets.UTF_8);
        } else {
            Path ca = signing.keyringDir().resolve("ca.cert.pem");
            try {
                keyring = Files.readAllBytes(ca);
            } catch (IOException e) {
                throw IoFailure.of(e, ca, "cannot read the keyring");
            }
        }
        return new Plan(p, images, platform, signing, keyring, version, out);
    }

    /** The output is a new file or a regular one to replace, in an existing directory; never a link. */
    static void checkOutput(Path out) {
        if (Files.isSymbolicLink(out)) {
            throw UserError.of(out.toString(), "is a symbolic link", "moducop does not write through symbolic links: name the file itself");
        }
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
            throw UserError.of(out.toString(), "exists and is not a regular file (a directory or device)", "name a file for the bundle");
        }
        Path dir = out.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw UserError.of(String.valueOf(dir), "is not a directory", "create the directory for the bundle first");
        }
        if (!Files.isWritable(dir)) {
            throw UserError.of(dir.toString(), "is not writable", "name a directory you may write to");
        }
    }

    /**
     * {@code tree} as a tar: entries sorted by name, directories 0755 and files 0644, owner 0:0,
     * mtime 0. Blobs of the OCI layout are hashed as they are read: a cache file that changed since
     * the export checked it (they are hard links) stops the run.
     */
    static void writeTar(Path tree, Path tar) throws IOException {
        List<Path> entries;
        try (Stream<Path> s = Files.walk(tree)) {
            entries = s.filter(f -> !f.equals(tree)).sorted((a, b) -> name(tree, a).compareTo(name(tree, b))).toList();
        }
        try (OutputStream fileOut = Files.newOutputStream(tar, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                TarArchiveOutputStream out = new TarArchiveOutputStream(fileOut, StandardCharsets.UTF_8.name())) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path f : entries) {
                boolean dir = Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS);
                if (!dir && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(f + ": not a regular file or directory");
                }
                TarArchiveEntry e = dir ? new TarArchiveEntry(name(tree, f) + "/", TarArchiveEntry.LF_DIR, false)
                        : new TarArchiveEntry(name(tree, f), TarArchiveEntry.LF_NORMAL, false);
                e.setMode(dir ? DIR_MODE : FILE_MODE);
                e.setIds(0, 0);
                e.setUserName("root");
                e.setGroupName("root");
                e.setModTime(0);
                if (!dir) {
                    e.setSize(Files.size(f));
                }
                out.putArchiveEntry(e);
                if (!dir) {
                    copyChecked(f, out);
                }
                out.closeArchiveEntry();
            }
            out.finish();
        }
        try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void copyChecked(Path f, OutputStream out) throws IOException {
        boolean blob = f.getParent().endsWith(Path.of("oci", "blobs", "sha256"));
        MessageDigest d = Digests.sha256();
        try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        if (blob && !HexFormat.of().formatHex(d.digest()).equals(f.getFileName().toString())) {
            throw UserError.of(f.toString(), "does not match its digest (the image cache changed while the bundle was made)",
                    "delete the image cache and fetch again: ./moducop fetch PROFILE", ExitCode.FAILED);
        }
    }

    private static String name(Path tree, Path f) {
        return tree.relativize(f).toString().replace('\\', '/');
    }

    private static String lastLine(Processes.Result r) {
        return r.output().strip().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + r.exitCode());
    }
}
