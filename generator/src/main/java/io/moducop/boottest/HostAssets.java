package io.moducop.boottest;

import io.moducop.UserError;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What boot-test runs on the host: QEMU, Debian's qemu_arm64 U-Boot, and a Debian arm64 kernel,
 * busybox initramfs and small root file system, prepared once by prepare-assets.sh into a cache
 * directory and reused.
 */
public record HostAssets(Path cache, Map<String, Path> tools) {

    public static final int HOST_SETUP_MISSING = 3;

    public Path kernel() {
        return cache.resolve("Image");
    }

    public Path initramfs() {
        return cache.resolve("initramfs.cpio.gz");
    }

    public Path rootfs() {
        return cache.resolve("rootfs");
    }

    /** The arm64 Debian userland of boot-test --system (prepare-system.sh). */
    public Path systemRoot() {
        return cache.resolve("system/root");
    }

    /** What apt resolved for the userland: one "package version arch" a line. */
    public Path systemPackages() {
        return cache.resolve("system/packages.txt");
    }

    /**
     * The Pi's slot assets (kernel, initramfs with the SD host driver) with the --system userland:
     * after {@link #prepareSystem} and {@link #prepareRaspi} on the same cache.
     */
    public HostAssets raspiSystem() throws java.io.IOException {
        Path dir = tool("raspi-assets");
        Path link = dir.resolve("system");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createSymbolicLink(link, cache.resolve("system"));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another run made it
            }
        }
        return new HostAssets(dir, tools);
    }

    public Path tool(String name) {
        Path p = tools.get(name);
        if (p == null) {
            throw new IllegalStateException("prepare-assets.sh did not report " + name);
        }
        return p;
    }

    /** {@code given}, or boot-test's and run's default cache, ~/.cache/moducop/boot-test. */
    public static Path cacheDir(Path given) {
        return given != null ? given : Path.of(System.getProperty("user.home"), ".cache", "moducop", "boot-test");
    }

    /** Runs prepare-assets.sh (quick when the cache is complete). */
    public static HostAssets prepare(Path cache) {
        return prepare(cache, "prepare-assets.sh");
    }

    /** prepare-assets.sh, then prepare-system.sh: the real arm64 userland of --system (minutes, once). */
    public static HostAssets prepareSystem(Path cache) {
        prepare(cache, "prepare-assets.sh");
        return prepare(cache, "prepare-system.sh");
    }

    /** prepare-assets.sh, then prepare-raspi.sh: the Pi's own U-Boot and device tree for QEMU raspi4b (Raspi4bBoard). */
    public static HostAssets prepareRaspi(Path cache) {
        prepare(cache, "prepare-assets.sh");
        return prepare(cache, "prepare-raspi.sh");
    }

    private static final Object PREPARING = new Object();

    /**
     * The scripts rewrite tools.txt: two runs sharing the cache (two boot-test commands, or two
     * tests in one JVM) take turns, through a lock file and, inside one JVM, a monitor.
     */
    private static HostAssets prepare(Path cache, String scriptName) {
        synchronized (PREPARING) {
            try {
                Files.createDirectories(cache);
                try (var lock = java.nio.channels.FileChannel.open(cache.resolve(".prepare.lock"),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                     var held = lock.lock()) {
                    return prepareLocked(cache, scriptName);
                }
            } catch (IOException e) {
                throw UserError.of("boot-test", "cannot prepare " + cache + ": " + e.getMessage(), null, io.moducop.ExitCode.FAILED);
            }
        }
    }

    private static HostAssets prepareLocked(Path cache, String scriptName) {
        try {
            Path script = cache.resolve(scriptName);
            try (InputStream in = HostAssets.class.getClassLoader().getResourceAsStream("boottest/" + scriptName)) {
                byte[] content = in.readAllBytes();
                if (!Files.exists(script) || !java.util.Arrays.equals(Files.readAllBytes(script), content)) {
                    Files.write(script, content);
                }
            }
            // no limit of its own: a first run builds the userland, which takes as long as it takes
            Processes.Result r = Processes.run(List.of("bash", script.toString(), cache.toString()), null, Map.of(), Duration.ofDays(1));
            String out = r.output();
            int rc = r.exitCode();
            if (rc == HOST_SETUP_MISSING) {
                throw UserError.of("boot-test", "the host lacks what boot-test needs:\n" + out.strip(),
                        "as root, run generator/src/main/resources/boottest/install-host-packages.sh (Debian 12)", HOST_SETUP_MISSING);
            }
            if (rc != 0) {
                throw UserError.of("boot-test", "preparing the QEMU assets in " + cache + " failed:\n" + out.strip(), null, io.moducop.ExitCode.FAILED);
            }
            Map<String, Path> tools = new LinkedHashMap<>();
            for (String line : Files.readAllLines(cache.resolve("tools.txt"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    tools.put(line.substring(0, eq), Path.of(line.substring(eq + 1)));
                }
            }
            return new HostAssets(cache, tools);
        } catch (IOException e) {
            throw UserError.of("boot-test", "cannot prepare " + cache + ": " + e.getMessage(), null, io.moducop.ExitCode.FAILED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserError.of("boot-test", "interrupted", null, io.moducop.ExitCode.FAILED);
        }
    }
}
