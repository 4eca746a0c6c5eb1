package io.moducop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Real host tools the tests run. Missing ones fail the build in CI and skip, visibly, elsewhere. */
public final class HostTools {
    private HostTools() {
    }

    public record Result(int exitCode, String output) {
    }

    public static void require(String tool, String debianPackage) {
        boolean found = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        String message = tool + " is not installed (apt-get install " + debianPackage + ")";
        if (!found) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + "; .ci/run installs it");
            }
            Assumptions.abort("SKIPPED: " + message);
        }
    }

    /** Runs with the production helper; a tool that hangs for two minutes fails the test. */
    public static Result run(List<String> command) {
        try {
            io.moducop.util.Processes.Result r = io.moducop.util.Processes.run(command, null, java.util.Map.of(),
                    java.time.Duration.ofSeconds(120));
            if (r.exitCode() == -1) {
                throw new AssertionError("timed out: " + command);
            }
            return new Result(r.exitCode(), r.output());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
