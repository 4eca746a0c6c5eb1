package io.moducop.bitbake;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/** The real container engine and builder image the container tests need: fail in CI, skip visibly elsewhere. */
final class ContainerEngine {
    static final String IMAGE = System.getenv().getOrDefault("MODUCOP_BUILDER_IMAGE", "localhost/moducop-builder:debian-12");

    private ContainerEngine() {
    }

    static void require() {
        String problem = null;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            problem = "no container engine (set DOCKER_HOST=unix:///run/podman/podman.sock TESTCONTAINERS_RYUK_DISABLED=true;"
                    + " .ci/podman-setup.sh starts podman's API)";
        } else {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
            } catch (RuntimeException e) {
                problem = "builder image " + IMAGE + " missing (.ci/builder-image.sh builds it)";
            }
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(problem + "; .ci/run sets this up");
            }
            System.err.println("SKIPPED: " + problem);
            Assumptions.abort("SKIPPED: " + problem);
        }
    }
}
