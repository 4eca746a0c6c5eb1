package io.moducop.bitbake;

import io.moducop.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uid:gid bitbake runs as in the container (the crops entrypoint's {@code --id}); bitbake
 * refuses root. A non-root user builds as itself. Root (CI) builds as {@code --build-id} (default
 * 1000:1000), and what moducop makes for the build is handed over to that id as
 * {@link HandOver} describes.
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
        return ownerOf(Path.of("/proc/self"));
    }

    /** The owner of {@code self}; unreadable (no /proc, say), an {@link io.moducop.IoFailure} naming it. */
    static BuildUser ownerOf(Path self) {
        try {
            return new BuildUser((Integer) Files.getAttribute(self, "unix:uid"), (Integer) Files.getAttribute(self, "unix:gid"));
        } catch (IOException e) {
            throw io.moducop.IoFailure.of(e, self, "cannot tell the current uid");
        } catch (UnsupportedOperationException e) {
            throw io.moducop.IoFailure.of(new IOException("no unix file attributes"), self, "cannot tell the current uid");
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

    static int uidOf(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

}
