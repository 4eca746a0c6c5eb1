package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.UserError;
import io.moducop.machine.Release;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What bitbake leaves in WORK/build comes from the profile's recipes, which run as the build user:
 * moducop (root in CI) never reads, writes or copies a file outside the build directory through
 * it, and shows what it prints escaped.
 */
class BuildOutputTrustTest {

    @TempDir
    Path tmp;

    @Test
    void onlyATaskLogInsideTheBuildDirectoryIsShownAndItIsEscaped() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret"), "TOP-SECRET\n");
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, null);
        Path temp = Files.createDirectories(l.buildDir().resolve("tmp/work/x/temp"));
        Files.writeString(temp.resolve("log.do_compile.1"), "compiling x\nerror: failed \u001b[2J\u202e here\n");
        Files.createSymbolicLink(temp.resolve("log.do_compile.2"), secret);
        Files.createSymbolicLink(l.buildDir().resolve("tmp/work/y"), tmp);

        BitbakeProgress progress = new BitbakeProgress();
        for (String log : new String[] {"/moducop/work/build/tmp/work/x/temp/log.do_compile.1",
                "/moducop/work/build/tmp/work/x/temp/log.do_compile.2", "/moducop/work/build/tmp/work/y/secret",
                "/moducop/work/build/../../secret", secret.toString()}) {
            progress.accept("ERROR: Logfile of failure stored in: " + log);
            progress.accept("ERROR: Task (x.bb:do_compile\u001b[31m) failed with exit code '1'");
        }
        StringWriter err = new StringWriter();
        BuildRun.reportFailure(l, new PrintWriter(err), 1, progress);

        String shown = err.toString();
        assertTrue(shown.contains("  | error: failed \\u001b[2J\\u202e here"), shown);
        assertTrue(shown.contains("failed task: x.bb:do_compile\\u001b[31m"), shown);
        assertTrue(shown.contains("  log: " + secret), shown);
        assertFalse(shown.contains("TOP-SECRET"), shown);
        assertFalse(shown.contains("\u001b") || shown.contains("\u202e"), shown);
    }

    @Test
    void buildLogLeftAsALinkIsReplacedNotWrittenThrough() throws Exception {
        Path victim = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, null);
        Files.createDirectories(l.buildDir());
        Files.createSymbolicLink(l.logFile(), victim);

        try (BufferedWriter log = BuildRun.newLog(l.logFile())) {
            log.write("NOTE: this build\n");
        }
        assertEquals("root:x:0:0:root:/root:/bin/sh\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(l.logFile()));
        assertEquals("NOTE: this build\n", Files.readString(l.logFile()));
    }

    @Test
    void deployedImageThatLinksOutOfTheBuildDirectoryIsNotCopied() throws Exception {
        Path secret = Files.writeString(tmp.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, null);
        Path deploy = Files.createDirectories(l.deployImages("moducop-t"));
        String base = "moducop-image-moducop-t.rootfs";
        Files.writeString(deploy.resolve(base + "-20260101.wic"), "image");
        Files.createSymbolicLink(deploy.resolve(base + ".wic"), Path.of(base + "-20260101.wic"));
        Files.createSymbolicLink(deploy.resolve(base + ".wic.bmap"), secret);
        Files.writeString(deploy.resolve(base + Release.SCARTHGAP.sbomSuffix()), "sbom");
        LockFile lock = new LockFile("board.lock.yaml", List.of());

        UserError e = assertThrows(UserError.class, () -> Artifacts.collect(deploy, l.buildDir(), l.artifacts(),
                Release.SCARTHGAP, "moducop-t", lock, false));
        assertTrue(e.getMessage().contains("outside the build directory"), e.getMessage());
        assertFalse(Files.exists(l.artifacts()));
    }
}
