package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Refuses to start a build that would run out of disk hours later. */
public final class DiskSpace {

    public static final long GIB = 1L << 30;
    /** The Yocto manual asks for at least 90 GB for a build with poky; with shared sstate much less is used. */
    public static final long BUILD_DEFAULT_GIB = 50;
    /** Parsing and task-graph resolution need the cache and a few logs. */
    public static final long DRY_RUN_DEFAULT_GIB = 5;

    private DiskSpace() {
    }

    /** Checks the file system holding {@code dir} (or its nearest existing parent). */
    public static void require(Path dir, long minGib) {
        require(dir, minGib * GIB, String.format("a build needs at least %d GiB", minGib),
                "free space, use --work on a larger disk, or lower the threshold with --min-free-gib");
    }

    /** Refuses with {@code needs} ("a build needs ...") and {@code hint} when less than {@code bytes} are free. */
    public static void require(Path dir, long bytes, String needs, String hint) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        try {
            long free = Files.getFileStore(p).getUsableSpace();
            if (free < bytes) {
                throw UserError.of(dir.toString(), String.format("only %.1f GiB free, %s", free / (double) GIB, needs),
                        hint, ExitCode.DISK_SPACE);
            }
        } catch (IOException e) {
            throw io.moducop.IoFailure.of(e, p, "cannot tell the free space");
        }
    }
}
