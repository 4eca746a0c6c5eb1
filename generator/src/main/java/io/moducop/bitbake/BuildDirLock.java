package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * An exclusive lock on a work directory for the whole of a build ({@code WORK/.moducop-build.lock},
 * an OS file lock: released by the kernel if the process dies). A second build in the same
 * directory stops at once with exit code 7 instead of corrupting the first.
 *
 * <p>The work directory may hold anything (it is in a checkout a merge request controls): the lock
 * file is opened without following a symbolic link, and an existing one is written to only if it
 * is a regular file with no other hard link, so the lock never truncates a file elsewhere.
 */
public final class BuildDirLock implements AutoCloseable {

    public static final String FILE = ".moducop-build.lock";
    private static final int HOLDER_MAX = 64;

    private final FileChannel channel;
    private final FileLock lock;

    private BuildDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code work}, which must exist. */
    public static BuildDirLock acquire(Path work) {
        Path file = work.resolve(FILE);
        FileChannel ch = null;
        try {
            Object before = plainFile(file, null);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS);
            plainFile(file, before); // still the file checked above, or the one just created
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                String holder = holder(ch);
                throw UserError.of(work.toString(), "another moducop build is running in this work directory"
                        + (holder.isEmpty() ? "" : " (" + holder + ")"),
                        "wait for it to finish, or use another --work directory", ExitCode.BUSY);
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            BuildDirLock locked = new BuildDirLock(ch, l);
            ch = null;
            return locked;
        } catch (IOException e) {
            throw IoFailure.of(e, file, "cannot lock the work directory");
        } finally {
            closeQuietly(ch);
        }
    }

    /**
     * The file's identity if it exists (null if not), refusing anything but a regular file with one
     * link; {@code expected}, when given, must be that identity.
     */
    private static Object plainFile(Path file, Object expected) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isRegularFile() || (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS) != 1
                || expected != null && !Objects.equals(expected, a.fileKey())) {
            throw UserError.of(file.toString(), "the build lock is not a plain file of its own"
                    + " (a symbolic link, a hard link, a directory or a device); moducop does not write through it",
                    "remove it (moducop creates it again), or use another --work directory", ExitCode.BAD_INPUT);
        }
        return a.fileKey();
    }

    /** What the running build wrote ("pid N"), if that is what the file holds. */
    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HOLDER_MAX);
        ch.read(b, 0);
        String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
        return s.matches("pid [0-9]{1,10}") ? s : "";
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
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
