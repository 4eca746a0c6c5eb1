package io.moducop.build;

/**
 * Exit codes of {@code moducop build} and {@code moducop lock}, one per kind of failure so that
 * scripts and CI can react to each. Listed in each command's --help and in the README.
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

    /** For picocli's exitCodeList. */
    public static final String[] BUILD_LIST = {
        "0:bitbake succeeded and the artifacts and manifest are in place (--dry-run: the task graph resolved)",
        "1:bitbake failed, or it succeeded without producing the .wic/.wic.bmap",
        "2:bad input: profile, lock file syntax, options",
        "3:no container engine (Docker or Podman API) reachable",
        "4:the builder image is not present locally",
        "5:not enough free disk space in the work directory",
        "6:lock file missing, stale, or naming a revision the repository does not have",
        "7:another build is running in the same build directory",
        "8:a source checkout has local changes that a checkout would overwrite",
        "9:a layer repository could not be fetched",
        "130:interrupted (Ctrl-C); the container was stopped and removed"};

    public static final String[] LOCK_LIST = {
        "0:lock file written (or already up to date)",
        "2:bad input: profile, options",
        "9:a layer repository could not be read (the branch head is unknown)"};

    private BuildExit() {
    }
}
