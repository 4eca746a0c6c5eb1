package io.moducop.bitbake;

import java.nio.file.Path;

/**
 * The directories of one build on the host and where the container sees them.
 *
 * <pre>
 * WORK/                         bind-mounted at /moducop/work (the entrypoint's --workdir)
 *   sources/&lt;repo&gt;/           layer repositories at the locked commits (JGit)
 *   layers/                     the generated layers (meta-moducop, meta-moducop-distro)
 *   build/conf/                 local.conf, bblayers.conf (rewritten on every build)
 *   build/tmp/                  bitbake's TMPDIR
 *   build/moducop-bitbake.sh    what the container runs
 *   build/moducop-build.log     the full bitbake output of the last build
 *   kas.yml                     the same build as a kas project
 *   artifacts/                  .wic, .wic.bmap, manifest.json (default --artifacts)
 * DOWNLOADS/                    DL_DIR, bind-mounted at /moducop/downloads (default WORK/downloads)
 * SSTATE/                       SSTATE_DIR, bind-mounted at /moducop/sstate-cache (default WORK/sstate-cache)
 * </pre>
 */
public record BuildLayout(Path work, Path downloads, Path sstate, Path artifacts) {

    public static final String CONTAINER_WORK = "/moducop/work";
    public static final String CONTAINER_DOWNLOADS = "/moducop/downloads";
    public static final String CONTAINER_SSTATE = "/moducop/sstate-cache";

    public static BuildLayout of(Path work, Path downloads, Path sstate, Path artifacts) {
        Path w = work.toAbsolutePath().normalize();
        return new BuildLayout(w,
                (downloads == null ? w.resolve("downloads") : downloads).toAbsolutePath().normalize(),
                (sstate == null ? w.resolve("sstate-cache") : sstate).toAbsolutePath().normalize(),
                (artifacts == null ? w.resolve("artifacts") : artifacts).toAbsolutePath().normalize());
    }

    public Path sources() {
        return work.resolve("sources");
    }

    public Path source(String repo) {
        return sources().resolve(repo);
    }

    public Path layers() {
        return work.resolve("layers");
    }

    /** The applications' images for the build's machine (moducop-apps installs them). */
    public static final String APPS_OCI = "apps-oci";

    public Path appImages() {
        return work.resolve(APPS_OCI);
    }

    public Path buildDir() {
        return work.resolve("build");
    }

    public Path logFile() {
        return buildDir().resolve("moducop-build.log");
    }

    public Path script() {
        return buildDir().resolve("moducop-bitbake.sh");
    }

    public Path deployImages(String machine) {
        return buildDir().resolve("tmp/deploy/images").resolve(machine);
    }

    /** A path bitbake printed inside the container, as the host sees it (unchanged if outside the mounts). */
    public Path toHost(String containerPath) {
        if (containerPath.startsWith(CONTAINER_WORK + "/")) {
            return work.resolve(containerPath.substring(CONTAINER_WORK.length() + 1));
        }
        if (containerPath.startsWith(CONTAINER_DOWNLOADS + "/")) {
            return downloads.resolve(containerPath.substring(CONTAINER_DOWNLOADS.length() + 1));
        }
        if (containerPath.startsWith(CONTAINER_SSTATE + "/")) {
            return sstate.resolve(containerPath.substring(CONTAINER_SSTATE.length() + 1));
        }
        return Path.of(containerPath);
    }

    public static String inContainer(String relativeToWork) {
        return CONTAINER_WORK + "/" + relativeToWork;
    }
}
