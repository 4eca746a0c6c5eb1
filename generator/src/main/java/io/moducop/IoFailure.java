package io.moducop;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reading or writing a file failed for a reason outside the user's input (disk full, permissions,
 * a vanished directory). Printed as one line naming the path; exit {@link ExitCode#FAILED}.
 */
public final class IoFailure extends RuntimeException {

    private final String path;

    public IoFailure(Path path, String what, IOException cause) {
        super(what + ": " + describe(cause), cause, false, false);
        this.path = path.toString();
    }

    public String path() {
        return path;
    }

    /** {@code path: message}, without the exception class. */
    public String format() {
        return Diagnostic.of(path, getMessage(), null).format();
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
        return m == null ? kind : kind.isEmpty() || e.getClass() == IOException.class ? m : kind + " (" + m + ")";
    }
}
