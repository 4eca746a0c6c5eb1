package io.moducop.build;

/**
 * Exit codes of {@code moducop build} and {@code moducop lock}, one per kind of failure so that
 * scripts and CI can react to each. The commands' exitCodeList (--help) and the README list them.
 */
public final class BuildExit {
    public static final int OK = 0;
    public static final int BITBAKE_FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int NO_ENGINE = 3;
    public static final int IMAGE_MISSING = 4;
    public static final int DISK_SPACE = 5;
    public static final int LOCK_STALE = 6;
    public static final int BUILD_DIR_BUSY = 7;
    public static final int SOURCES_DIRTY = 8;
    public static final int FETCH_FAILED = 9;
    public static final int INTERRUPTED = 130;

    private BuildExit() {
    }
}
