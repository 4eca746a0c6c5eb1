package io.moducop.ota;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RAUC 1.13 or later on the host, which artifact repositories need (Debian bookworm's rauc is 1.8):
 * an amd64 Debian trixie tree with rauc and squashfs-tools, built once by prepare-rauc-host.sh
 * into a cache directory. Each run is {@code chroot TREE rauc ...} in a private mount and PID
 * namespace ({@code unshare}) that sees one work directory at {@link #WORK} and, read-only, the
 * signing key and certificate; those mounts end with the run and never reach the host's namespace.
 * Needs root (mmdebstrap, mount, chroot).
 */
public final class RaucHost {

    /** Where the run's work directory appears inside the tree. */
    public static final String WORK = "/moducop/work";
    public static final String KEY = "/moducop/secrets/signing.key.pem";
    public static final String CERT = "/moducop/secrets/signing.cert.pem";

    private static final String SCRIPT = "prepare-rauc-host.sh";
    /** $1 tree, $2 work directory, $3 key or "", $4 cert or "", then the program of the tree and its arguments. */
    private static final String RUN = String.join("\n",
            "set -e",
            "root=$1 work=$2 key=$3 cert=$4",
            "shift 4",
            "mount --bind \"$work\" \"$root" + WORK + "\"",
            "if [ -n \"$key\" ]; then mount -o ro --bind \"$key\" \"$root" + KEY + "\"; fi",
            "if [ -n \"$cert\" ]; then mount -o ro --bind \"$cert\" \"$root" + CERT + "\"; fi",
            "mount -t tmpfs -o mode=1777 tmpfs \"$root/tmp\"",
            "exec chroot \"$root\" \"$@\"");

    private static final Object PREPARING = new Object();

    private final Path root;
    private final String version;

    private RaucHost(Path root, String version) {
        this.root = root;
        this.version = version;
    }

    /** ~/.cache/moducop/rauc-host, beside boot-test's and the images' caches. */
    public static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "moducop", "rauc-host");
    }

    /** "rauc 1.13", as the tree's rauc says. */
    public String version() {
        return version;
    }

    /**
     * The tree in {@code cache}, built first if it is missing or out of date (about two minutes and
     * 110 MB, once). Two runs sharing the cache take turns through a lock file.
     */
    public static RaucHost prepare(Path cache) throws InterruptedException {
        requireRoot();
        synchronized (PREPARING) {
            try {
                Files.createDirectories(cache);
                Path lockFile = cache.resolve(".prepare.lock");
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS); FileLock held = ch.lock()) {
                    return prepareLocked(cache);
                }
            } catch (IOException e) {
                throw IoFailure.of(e, cache, "cannot prepare the RAUC host tree");
            }
        }
    }

    private static RaucHost prepareLocked(Path cache) throws IOException, InterruptedException {
        Path script = cache.resolve(SCRIPT);
        byte[] content;
        try (InputStream in = RaucHost.class.getClassLoader().getResourceAsStream("rauchost/" + SCRIPT)) {
            content = in.readAllBytes();
        }
        if (!Files.isRegularFile(script, LinkOption.NOFOLLOW_LINKS) || !Arrays.equals(Files.readAllBytes(script), content)) {
            io.moducop.util.AtomicFiles.write(script, content);
        }
        // no limit of its own: the first run downloads and unpacks a Debian tree
        Processes.Result r = Processes.run(List.of("bash", script.toString(), cache.toString()), null, Map.of(), Duration.ofHours(2));
        if (r.exitCode() == ExitCode.MISSING_TOOL) {
            throw UserError.of("app-bundle", "the host lacks what building the RAUC host tree needs: " + r.output().strip(),
                    "apt-get install mmdebstrap", ExitCode.MISSING_TOOL);
        }
        if (!r.ok()) {
            throw UserError.of("app-bundle", "building the RAUC host tree in " + cache + " failed:\n" + r.output().strip(),
                    "it needs the Debian mirror (MODUCOP_DEBIAN_MIRROR, default http://deb.debian.org/debian)", ExitCode.FAILED);
        }
        String version = Files.readAllLines(cache.resolve("rauc-host.txt")).stream().filter(l -> l.startsWith("rauc-version="))
                .map(l -> l.substring("rauc-version=".length())).findFirst().orElse("rauc");
        return new RaucHost(cache.resolve("root"), version);
    }

    /** mount and chroot need root; mmdebstrap's root mode too. */
    private static void requireRoot() {
        Object uid;
        try {
            uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            uid = -1;
        }
        if (!Integer.valueOf(0).equals(uid)) {
            throw UserError.of("app-bundle", "needs root: it runs RAUC 1.13 from a Debian trixie tree with mount and chroot "
                    + "(the host's RAUC is too old for artifact bundles)", "run it as root (sudo)", ExitCode.MISSING_TOOL);
        }
    }

    /**
     * Runs {@code rauc ARGS} in the tree with {@code work} at {@link #WORK}; {@code key} and
     * {@code cert} (or null) appear read-only at {@link #KEY} and {@link #CERT}. Output is rauc's
     * stdout and stderr together.
     */
    public Processes.Result run(Path work, Path key, Path cert, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        List<String> program = new ArrayList<>(List.of("/usr/bin/rauc"));
        program.addAll(args);
        return exec(work, key, cert, program, timeout);
    }

    /** Runs {@code program} (a path in the tree, then its arguments) as {@link #run} runs rauc. */
    Processes.Result exec(Path work, Path key, Path cert, List<String> program, Duration timeout)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--pid", "--fork",
                "--kill-child", "--mount-proc=" + root.resolve("proc"), "--", "sh", "-c", RUN, "sh", root.toString(),
                work.toAbsolutePath().toString(), key == null ? "" : key.toString(), cert == null ? "" : cert.toString()));
        cmd.addAll(program);
        // the host's TMPDIR or PATH may name directories the tree does not have
        return Processes.run(cmd, null, Map.of("TMPDIR", "/tmp", "PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), timeout);
    }
}
