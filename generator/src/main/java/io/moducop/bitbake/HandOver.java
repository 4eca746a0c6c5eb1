package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Gives what one build writes to its build user, when moducop runs as root (not root: nothing to
 * do, everything is the process's own).
 *
 * <p>The rule: moducop changes the owner only of what it made itself. That is a directory it
 * creates in this run (created one level at a time, so it knows which levels are new) with what
 * root owns inside it, and, inside the work directory, what root owns in a directory an earlier
 * run handed over (one the build user owns): in both, what moducop wrote. An existing directory
 * moducop did not create ({@code --work /tmp}, a checkout's directory, a shared DL_DIR) keeps its
 * owner and mode, and so does what moducop writes directly into it (the lock file, kas.yml); if
 * the build user cannot write into the work directory, {@link #requireWritable()} stops the build
 * before anything is written. Inside the work directory moducop creates no directory under a
 * symbolic link; walks do not follow links (a link's own owner changes, never its target's), do
 * not enter a directory owned by anybody else, and leave a file with more than one hard link
 * alone (it may be a link to a file outside the tree).
 */
public final class HandOver {

    private final BuildUser user;
    private final Path work;
    private final boolean root;
    private final Set<Path> created = new HashSet<>();

    public HandOver(BuildUser user, Path work) {
        this.user = user;
        this.work = normal(work);
        this.root = BuildUser.process().uid() == 0;
    }

    public BuildUser user() {
        return user;
    }

    /**
     * The work directory is a directory, and (run as root) one the build user can write into, or
     * one moducop will create; checked before anything is written.
     */
    public void requireWritable() {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(work, "unix:mode,uid,gid"); // follows a link: the container sees what it names
        } catch (NoSuchFileException e) {
            return; // moducop creates it and hands it over
        } catch (IOException e) {
            throw IoFailure.of(e, work, "cannot read the work directory");
        }
        int mode = (Integer) a.get("mode");
        if ((mode & 0170000) != 0040000) {
            throw UserError.of(work.toString(), "the work directory exists and is not a directory",
                    "name a directory with --work", ExitCode.BAD_INPUT);
        }
        if (!root) {
            return;
        }
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        int bits = uid == user.uid() ? mode >> 6 : gid == user.gid() ? mode >> 3 : mode;
        if ((bits & 03) != 03) {
            throw UserError.of(work.toString(), String.format("the build user %s cannot write into this existing directory"
                    + " (owner %d:%d, mode %04o), and moducop gives away only directories it created", user.spec(), uid, gid,
                    mode & 07777), "use a new --work directory (moducop creates it for the build user), or give this one to"
                    + " the build user yourself: chown " + user.spec() + " DIR", ExitCode.BAD_INPUT);
        }
    }

    /**
     * Creates {@code dir} and its missing parents one level at a time, remembering which levels are
     * new. Inside the work directory no level may be a symbolic link: nothing is written through one.
     */
    public void createDirectories(Path dir) {
        Path target = normal(dir);
        for (Path p = target; p != null && p.startsWith(work) && !p.equals(work); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw UserError.of(p.toString(), "is a symbolic link inside the work directory; moducop writes only into plain"
                        + " directories there", "remove it, or use a new --work directory", ExitCode.BAD_INPUT);
            }
        }
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = target; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                created.add(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw IoFailure.of(e, p, "cannot create the directory: a file is in the way");
                }
            } catch (IOException e) {
                throw IoFailure.of(e, p, "cannot create the directory");
            }
        }
    }

    /** {@code dir} was just made by moducop by other means (a new temporary directory, a stage renamed into place). */
    public void made(Path dir) {
        created.add(normal(dir));
    }

    /** Only {@code path} itself, if moducop made it (see the class comment). */
    public void handOverOne(Path path) {
        Path p = normal(path);
        if (!root || !Files.exists(p, LinkOption.NOFOLLOW_LINKS) || !ours(p)) {
            return;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (givable(p, a)) {
                chown(p);
            }
        } catch (IOException e) {
            throw failed(e, p);
        }
    }

    /** {@code path} and what is inside, if moducop made it (see the class comment); no link is followed. */
    public void handOver(Path path) {
        Path top = normal(path);
        if (!root || !Files.exists(top, LinkOption.NOFOLLOW_LINKS) || !ours(top)) {
            return;
        }
        try {
            Files.walkFileTree(top, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    int owner = uidOf(d);
                    if (owner == 0) {
                        chown(d);
                        return FileVisitResult.CONTINUE;
                    }
                    return owner == user.uid() ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    if (givable(f, a)) {
                        chown(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw failed(e, top);
        }
    }

    /**
     * Made in this run; or inside the work directory, and an earlier run's directory (the build
     * user's), or in a directory made in this run or by an earlier one.
     */
    private boolean ours(Path p) {
        if (created.contains(p)) {
            return true;
        }
        if (!p.startsWith(work) || p.equals(work)) {
            return false;
        }
        return created.contains(p.getParent()) || earlierRun(p) || earlierRun(p.getParent());
    }

    private boolean earlierRun(Path dir) {
        try {
            return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && uidOf(dir) == user.uid();
        } catch (IOException e) {
            throw failed(e, dir);
        }
    }

    /** Root's, and a directory, a symbolic link (changed itself) or a file with no other hard link. */
    private static boolean givable(Path p, BasicFileAttributes a) throws IOException {
        if (uidOf(p) != 0) {
            return false;
        }
        return a.isDirectory() || a.isSymbolicLink()
                || a.isRegularFile() && (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == 1;
    }

    private void chown(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    private IoFailure failed(IOException e, Path p) {
        return IoFailure.of(e, p, "cannot give it to the build user " + user.spec());
    }

    private static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
