package io.moducop;

/**
 * Every exit code moducop uses, one per kind of outcome so that scripts and CI can react to each.
 * The commands' --help (exitCodeList) and the README list them.
 */
public final class ExitCode {
    public static final int OK = 0;
    /** The work failed (bitbake, a scenario, an I/O error), or --check found differences. */
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int MISSING_TOOL = 3;
    public static final int IMAGE_MISSING = 4;
    public static final int DISK_SPACE = 5;
    public static final int LOCK_STALE = 6;
    public static final int BUSY = 7;
    public static final int SOURCES_DIRTY = 8;
    public static final int FETCH_FAILED = 9;
    public static final int INTERRUPTED = 130;

    private ExitCode() {
    }
}
