package io.moducop.bitbake;

import io.moducop.ExitCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What build refuses before it starts anything: no container needed. */
class BuildPreflightTest {

    @TempDir
    Path tmp;

    private Path profile() throws Exception {
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n");
        String c = "0123456789abcdef0123456789abcdef01234567";
        Files.writeString(tmp.resolve("board.lock.yaml"), GitRepos.lockYaml(
                "poky", "https://git.yoctoproject.org/poky", "scarthgap", c,
                "meta-openembedded", "https://git.openembedded.org/meta-openembedded", "scarthgap", c,
                "meta-virtualization", "https://git.yoctoproject.org/meta-virtualization", "scarthgap", c));
        return p;
    }

    @Test
    void missingLockFileIsExitSix() throws Exception {
        Path p = profile();
        Files.delete(tmp.resolve("board.lock.yaml"));
        Cli r = Cli.run("build", "--work", tmp.resolve("w").toString(), p.toString());
        assertEquals(ExitCode.LOCK_STALE, r.exitCode());
        assertTrue(r.err().contains("lock file not found") && r.err().contains("moducop lock"), r.err());
    }

    @Test
    void tooLittleDiskSpaceIsExitFiveBeforeAnythingIsWritten() throws Exception {
        Cli r = Cli.run("build", "--work", tmp.resolve("w").toString(), "--min-free-gib", "1000000", profile().toString());
        assertEquals(ExitCode.DISK_SPACE, r.exitCode(), r.err());
        assertTrue(r.err().contains("GiB free, a build needs at least 1000000 GiB"), r.err());
        assertFalse(Files.exists(tmp.resolve("w")));
    }

    @Test
    void latestTagAndBadOptionsAreBadInput() throws Exception {
        assertEquals(2, Cli.run("build", "--image", "crops/poky:latest", profile().toString()).exitCode());
        assertEquals(2, Cli.run("build", "--image", "crops/poky", profile().toString()).exitCode());
        assertEquals(2, Cli.run("build", "--build-id", "0:0", profile().toString()).exitCode());
        assertEquals(2, Cli.run("build", "--hashserv", "x;reboot", profile().toString()).exitCode());
        Cli help = Cli.run("build", "--help");
        assertTrue(help.out().contains("130   interrupted"), help.out());
    }

    @Test
    void noContainerEngineIsExitThree() throws Exception {
        Path p = profile();
        // a separate JVM: Testcontainers reads DOCKER_HOST once per process
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.moducop.cli.Moducop",
                "build", "--work", tmp.resolve("w").toString(), "--min-free-gib", "1", p.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + tmp.resolve("no-engine.sock"));
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        pb.environment().put("HOME", tmp.toString()); // no ~/.testcontainers.properties, no docker context
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCode.MISSING_TOOL, proc.exitValue(), out);
        assertTrue(out.contains("no container engine reachable"), out);
        assertFalse(out.contains("\tat "), out);
        assertEquals(List.of(), List.of(tmp.resolve("w").toFile().list() == null ? new String[0] : tmp.resolve("w").toFile().list()));
    }
}
