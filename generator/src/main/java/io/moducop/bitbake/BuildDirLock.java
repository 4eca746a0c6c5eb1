package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a work directory for the whole of a build ({@code WORK/.moducop-build.lock},
 * an OS file lock: released by the kernel if the process dies). A second build in the same
 * directory stops at once with exit code 7 instead of corrupting the first.
 */
public final class BuildDirLock implements AutoCloseable {

    public static final String FILE = ".moducop-build.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private BuildDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static BuildDirLock acquire(Path work) {
        Path file = work.resolve(FILE);
        try {
            Files.createDirectories(work);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
                ch.close();
                throw UserError.of(work.toString(), "another moducop build is running in this work directory"
                        + (holder.isEmpty() ? "" : " (" + holder + ")"),
                        "wait for it to finish, or use another --work directory", ExitCode.BUSY);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new BuildDirLock(ch, l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the kernel drops the lock with the descriptor anyway
        }
    }
}
