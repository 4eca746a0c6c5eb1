package io.moducop.bitbake;

import io.moducop.ExitCode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.moducop.UserError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;

/**
 * Runs one command in the builder image (crops/poky or a compatible one) through the Docker API
 * that Testcontainers finds (Docker, or Podman's Docker-compatible service via DOCKER_HOST).
 *
 * <p>The work, downloads and sstate directories are bind-mounted at fixed paths
 * ({@link BuildLayout}); the entrypoint gets {@code --workdir=/moducop/work --id UID:GID -- CMD...}
 * so the build runs as the build user, never root. Output is attached between create and start
 * (nothing is lost, even from a command that exits at once) and handed over line by line. The
 * container is always removed: after exit, on failure, and when the calling thread is interrupted
 * (Ctrl-C), in which case it is killed first.
 */
public final class ContainerBuild {

    public static final String LABEL = "io.moducop.build";

    /**
     * What to run: the image, the mounts (from the layout), the build user, the command after the
     * entrypoint options, {@code readOnly}: further host paths mounted read-only at the given
     * container paths, and {@code hostNetwork}: share the host's network (a hash equivalence
     * server on the host's loopback is reachable only so).
     */
    public record Spec(String image, BuildLayout layout, BuildUser user, List<String> command, Map<java.nio.file.Path, String> readOnly,
            boolean hostNetwork) {
    }

    private final DockerClient client;

    private ContainerBuild(DockerClient client) {
        this.client = client;
    }

    /** Connects to the engine; a clear error (exit 3) when there is none. */
    public static ContainerBuild connect() {
        try {
            DockerClientFactory f = DockerClientFactory.instance();
            if (!f.isDockerAvailable()) {
                throw noEngine("no Docker or Podman API answered");
            }
            return new ContainerBuild(f.client());
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw noEngine(e.getMessage());
        }
    }

    private static UserError noEngine(String why) {
        String host = System.getenv("DOCKER_HOST");
        return UserError.of("container engine", "no container engine reachable"
                + (host == null ? "" : " at DOCKER_HOST=" + host) + (why == null ? "" : ": " + why.lines().findFirst().orElse("")),
                "install Docker, or Podman and start its API: podman system service --time=0 unix:///run/podman/podman.sock,"
                        + " then export DOCKER_HOST=unix:///run/podman/podman.sock TESTCONTAINERS_RYUK_DISABLED=true",
                ExitCode.MISSING_TOOL);
    }

    /** The image must exist locally; moducop does not pull (builds must not depend on a registry being up). */
    public void requireImage(String image) {
        try {
            client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw UserError.of("--image " + image, "the builder image is not present in the container engine",
                    "pull it once (podman pull docker.io/" + image + " or docker pull " + image
                            + "), or build a compatible one (.ci/builder-image.sh) and pass --image",
                    ExitCode.IMAGE_MISSING);
        }
    }

    /** The entrypoint arguments: {@code --workdir=... --id uid:gid -- command...}. */
    static List<String> entrypointArgs(Spec spec) {
        List<String> args = new ArrayList<>();
        args.add("--workdir=" + BuildLayout.CONTAINER_WORK);
        args.add("--id");
        args.add(spec.user().spec());
        args.add("--");
        args.addAll(spec.command());
        return args;
    }

    /**
     * Runs the container to its end and returns its exit code; every output line goes to
     * {@code lines}. Interrupting the calling thread kills and removes the container, then throws
     * InterruptedException.
     */
    public int run(Spec spec, Consumer<String> lines) throws InterruptedException {
        BuildLayout l = spec.layout();
        List<Bind> binds = new ArrayList<>(List.of(
                new Bind(l.work().toString(), new Volume(BuildLayout.CONTAINER_WORK)),
                new Bind(l.downloads().toString(), new Volume(BuildLayout.CONTAINER_DOWNLOADS)),
                new Bind(l.sstate().toString(), new Volume(BuildLayout.CONTAINER_SSTATE))));
        spec.readOnly().forEach((hostPath, containerPath) -> binds.add(
                new Bind(hostPath.toString(), new Volume(containerPath), com.github.dockerjava.api.model.AccessMode.ro)));
        HostConfig host = HostConfig.newHostConfig().withBinds(binds);
        if (spec.hostNetwork()) {
            host = host.withNetworkMode("host");
        }
        String id = client.createContainerCmd(spec.image())
                .withCmd(entrypointArgs(spec))
                .withLabels(Map.of(LABEL, l.work().toString()))
                .withTty(false)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withHostConfig(host)
                .exec().getId();
        LineSplitter splitter = new LineSplitter(lines);
        ResultCallback.Adapter<Frame> output = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                splitter.accept(frame.getPayload());
            }
        };
        boolean finished = false;
        try {
            client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true).exec(output);
            client.startContainerCmd(id).exec();
            int code = awaitExit(id);
            finished = true;
            output.awaitCompletion(10, TimeUnit.SECONDS); // the rest of the output after exit
            splitter.flush();
            return code;
        } finally {
            try {
                output.close();
            } catch (java.io.IOException ignored) {
                // closing the attach stream only
            }
            remove(id, !finished);
        }
    }

    /**
     * Polls the container's state until it has exited (the wait endpoint of Podman's Docker API
     * returned before the exit here); checks for an interrupt between polls.
     */
    private int awaitExit(String id) throws InterruptedException {
        while (true) {
            var state = client.inspectContainerCmd(id).exec().getState();
            boolean running = Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())
                    || "created".equals(state.getStatus()) || "configured".equals(state.getStatus());
            if (!running) {
                Long code = state.getExitCodeLong();
                return code == null ? -1 : code.intValue();
            }
            Thread.sleep(500);
        }
    }

    private void remove(String id, boolean kill) {
        if (kill) {
            try {
                client.killContainerCmd(id).exec();
            } catch (RuntimeException ignored) {
                // already stopped
            }
        }
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException ignored) {
            // already gone
        }
    }

    /**
     * Frames carry arbitrary chunks; this hands over whole lines (UTF-8, without the newline). What
     * runs in the container is the profile's: a line longer than {@link #MAX_LINE} bytes is handed
     * over in pieces of that size, so output without a newline cannot fill the memory.
     */
    static final class LineSplitter {
        static final int MAX_LINE = 64 * 1024;
        private final Consumer<String> lines;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        LineSplitter(Consumer<String> lines) {
            this.lines = lines;
        }

        synchronized void accept(byte[] chunk) {
            for (byte b : chunk) {
                if (b == '\n') {
                    emit();
                } else {
                    pending.write(b);
                    if (pending.size() >= MAX_LINE) {
                        emit();
                    }
                }
            }
        }

        synchronized void flush() {
            if (pending.size() > 0) {
                emit();
            }
        }

        private void emit() {
            String s = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            lines.accept(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
        }
    }
}
