package io.moducop.cli;

import io.moducop.bitbake.BuildLayout;
import io.moducop.bitbake.BuildRequest;
import io.moducop.bitbake.BuildRun;
import io.moducop.bitbake.BuildSettings;
import io.moducop.bitbake.BuildUser;
import io.moducop.bitbake.DiskSpace;
import io.moducop.bitbake.LockFile;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "build", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Build a profile's flashable image with bitbake in a container.",
                "Check out the layer repositories at the commits in PROFILE.lock.yaml "
                + "(JGit), generate the layers, write build/conf, run bitbake in the builder container as a non-root user, "
                + "and copy the .wic and .wic.bmap with manifest.json to the artifacts directory.",
                "Needs Docker or Podman (its Docker API: DOCKER_HOST=unix:///run/podman/podman.sock, "
                        + "TESTCONTAINERS_RYUK_DISABLED=true) and the image present locally."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:bitbake succeeded, artifacts and manifest in place (--dry-run: the task graph resolved)",
            "1:bitbake failed, or succeeded without the .wic/.wic.bmap",
            "2:bad input: profile, lock file syntax, options",
            "3:no container engine (Docker or Podman API) reachable",
            "4:the builder image is not present locally",
            "5:not enough free disk space in the work directory",
            "6:lock file missing, stale, or naming a revision the repository lacks",
            "7:another build is running in the same work directory",
            "8:a source checkout has local changes a checkout would overwrite",
            "9:a layer repository could not be fetched",
            "130:interrupted (Ctrl-C); the container was stopped and removed"})
final class BuildCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PROFILE", description = "The board profile (one).")
    Path profileFile;

    @Option(names = {"-n", "--dry-run"}, description = "bitbake -n: resolve and walk the whole task graph, build nothing.")
    boolean dryRun;

    @Option(names = "--lock", paramLabel = "FILE", description = "Lock file (default: PROFILE with .lock.yaml).")
    Path lockFile;

    @Option(names = {"-w", "--work"}, paramLabel = "DIR", defaultValue = "build/moducop",
            description = "Work directory: sources/, layers/, build/, kas.yml (default: ${DEFAULT-VALUE}). Mounted at "
                    + BuildLayout.CONTAINER_WORK + ".")
    Path work;

    @Option(names = "--downloads", paramLabel = "DIR", description = "DL_DIR, shared between builds (default: WORK/downloads).")
    Path downloads;

    @Option(names = "--sstate", paramLabel = "DIR", description = "SSTATE_DIR, shared between builds (default: WORK/sstate-cache).")
    Path sstate;

    @Option(names = {"-a", "--artifacts"}, paramLabel = "DIR", description = "Where the image and manifest.json go (default: WORK/artifacts).")
    Path artifacts;

    @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "crops/poky:debian-12",
            description = "Builder image with the crops/poky entrypoint; always an explicit tag (default: ${DEFAULT-VALUE}).")
    String image;

    @Option(names = "--build-id", paramLabel = "UID:GID",
            description = "Who bitbake runs as when moducop runs as root (default 1000:1000; otherwise always the current user).")
    String buildId;

    @Option(names = "--sstate-mirror", paramLabel = "URL", description = "Shared sstate mirror (SSTATE_MIRRORS), e.g. https://sstate.example.com/scarthgap.")
    String sstateMirror;

    @Option(names = "--hashserv", paramLabel = "ADDR", description = "Shared hash equivalence server (BB_HASHSERVE), HOST:PORT or ws(s)://...")
    String hashServer;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "BB_NUMBER_THREADS and PARALLEL_MAKE (default: the number of CPUs).")
    Integer jobs;

    @Option(names = "--images", paramLabel = "DIR",
            description = "The applications' image cache (default: ~/.cache/moducop/images; see fetch).")
    Path images;

    @Option(names = "--offline", description = "BB_NO_NETWORK=1: fetch nothing (sources from --mirror, DL_DIR already filled).")
    boolean offline;

    @Option(names = "--min-free-gib", paramLabel = "GIB",
            description = "Refuse to start with less free space in WORK (default: " + DiskSpace.BUILD_DEFAULT_GIB
                    + ", with --dry-run " + DiskSpace.DRY_RUN_DEFAULT_GIB + ").")
    Long minFreeGib;

    @Option(names = "--progress-interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "Without a terminal: print a progress line at most this often (default: ${DEFAULT-VALUE}).")
    long progressSeconds;

    @Mixin
    SourceOptions sources;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Profile profile = ProfileLoader.load(profileFile);
        BuildRequest request = new BuildRequest(
                profile,
                lockFile != null ? lockFile : LockFile.pathFor(profileFile),
                BuildLayout.of(work, downloads, sstate, artifacts),
                sources.mirrors(),
                new BuildSettings(sstateMirror, hashServer, jobs != null ? jobs : Runtime.getRuntime().availableProcessors(), offline),
                checkImage(image),
                BuildUser.choose(buildId),
                dryRun,
                minFreeGib != null ? minFreeGib : dryRun ? DiskSpace.DRY_RUN_DEFAULT_GIB : DiskSpace.BUILD_DEFAULT_GIB,
                System.console() != null,
                progressSeconds * 1000,
                images != null ? images : io.moducop.apps.ImageCache.defaultDir());
        BuildRun run = new BuildRun(request, spec.commandLine().getOut(), spec.commandLine().getErr());
        return runInterruptibly(run);
    }

    /** Ctrl-C (SIGINT runs the shutdown hooks) interrupts the build, which stops and removes its container. */
    private static int runInterruptibly(BuildRun run) throws Exception {
        Thread worker = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            worker.interrupt();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "moducop-build-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.execute();
        } catch (InterruptedException e) {
            throw BuildRun.interrupted();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting (Ctrl-C): the hook is running and sees done
            }
        }
    }

    private static String checkImage(String image) {
        if (!image.matches("^[a-z0-9][a-z0-9._/-]*(:[0-9]+)?[a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")) {
            throw io.moducop.UserError.of("--image " + image, "expected NAME:TAG with an explicit tag",
                    "e.g. crops/poky:debian-12 (the 'latest' tag is Ubuntu 18.04, too old for these Yocto releases)");
        }
        if (image.endsWith(":latest")) {
            throw io.moducop.UserError.of("--image " + image, "crops/poky:latest is Ubuntu 18.04, too old for these Yocto releases",
                    "pin a tag: crops/poky:debian-12 or crops/poky:ubuntu-22.04");
        }
        return image;
    }

}
