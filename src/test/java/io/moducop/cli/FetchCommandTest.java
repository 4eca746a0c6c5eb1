package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.moducop.Cli;
import io.moducop.ExitCode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void reportLinesAreShownEscaped() {
        assertEquals("apps\\u001b[2J.yaml: web web\\u202e linux/arm64: fetched\\n",
                FetchCommand.report("apps\u001b[2J.yaml", "web web\u202e linux/arm64: fetched\n"));
    }

    /** skopeo talks to a registry that never answers; the fetch is interrupted: exit 130, one line. */
    @Test
    void anInterruptedFetchIsExit130WithOneLine() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Files.createDirectories(tmp.resolve("apps/web"));
            Files.writeString(tmp.resolve("apps/web/compose.yaml"), "services:\n  web:\n    image: 127.0.0.1:" + silent.getLocalPort()
                    + "/moducop/busybox@sha256:" + "a".repeat(64) + "\n");
            Path p = tmp.resolve("board.yaml");
            Files.writeString(p, "board: { name: moducop-test, base: qemuarm64 }\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
            Thread test = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                try {
                    Thread.sleep(2000);
                    test.interrupt();
                } catch (InterruptedException ignored) {
                    // the test ended first
                }
            });
            interrupter.start();
            Cli r;
            try {
                r = Cli.run("fetch", "--cache", tmp.resolve("cache").toString(), p.toString());
            } finally {
                interrupter.interrupt();
                interrupter.join();
                Thread.interrupted();
            }
            assertEquals(ExitCode.INTERRUPTED, r.exitCode(), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }
}
