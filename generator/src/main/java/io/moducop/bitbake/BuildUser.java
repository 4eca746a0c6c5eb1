package io.moducop.bitbake;

import io.moducop.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The uid:gid bitbake runs as in the container (the crops entrypoint's {@code --id}); bitbake
 * refuses root. A non-root user builds as itself. Root (CI) builds as {@code --build-id} (default
 * 1000:1000), and everything moducop writes into the work directory is handed over to that id,
 * so nothing in the tree is left owned by root.
 */
public record BuildUser(int uid, int gid) {

    private static final Pattern ID = Pattern.compile("^([0-9]{1,9}):([0-9]{1,9})$");
    public static final BuildUser DEFAULT_FOR_ROOT = new BuildUser(1000, 1000);

    public static BuildUser parse(String spec) {
        Matcher m = ID.matcher(spec);
        if (!m.matches()) {
            throw UserError.of("--build-id " + spec, "expected UID:GID (numbers)", "e.g. --build-id 1000:1000");
        }
        BuildUser u = new BuildUser(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        if (u.uid == 0 || u.gid == 0) {
            throw UserError.of("--build-id " + spec, "bitbake refuses to run as root, and the crops entrypoint refuses id 0",
                    "use a non-root id such as 1000:1000");
        }
        return u;
    }

    /** The uid:gid of this process (the owner of /proc/self). */
    public static BuildUser process() {
        try {
            Path self = Path.of("/proc/self");
            return new BuildUser((Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell the current uid (/proc/self): " + e.getMessage(), e);
        }
    }

    /** {@code --build-id} if given, else the current user if not root, else 1000:1000. */
    public static BuildUser choose(String option) {
        if (option != null) {
            return parse(option);
        }
        BuildUser me = process();
        return me.uid == 0 ? DEFAULT_FOR_ROOT : me;
    }

    public String spec() {
        return uid + ":" + gid;
    }

    /** When this process is root, gives {@code path} (recursively, not following links) to this id. */
    public void handOver(Path path) {
        if (process().uid != 0 || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(path)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                chown(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only {@code path} itself. */
    public void handOverOne(Path path) {
        if (process().uid != 0 || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            chown(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void chown(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

}
