package io.moducop.boottest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** boot-test --system checks the work directory's free space before it prepares or writes anything. */
class BootTestPreflightTest {

    @TempDir
    Path tmp;

    @Test
    void tooLittleDiskForTheBoardsIsExitFiveBeforeAnythingIsWritten() throws Exception {
        // 1 TiB root partitions: a board needs 2 TiB, more than any disk here has free
        String profile = Files.readString(Path.of("profiles/qemuarm64.yaml"))
                .replace("size: 4GiB", "size: 4TiB").replace("rootfs: { size: 1GiB }", "rootfs: { size: 1TiB }");
        Path p = Files.writeString(tmp.resolve("big.yaml"), profile);
        Cli r = Cli.run("boot-test", "--system", "--work", tmp.resolve("w").toString(), "--cache", tmp.resolve("c").toString(),
                "--scenario", "system-boot,panic", "-j", "2", p.toString());
        assertEquals(ExitCode.DISK_SPACE, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("GiB free, 2 boards at once need about 4096.0 GiB"), r.err());
        assertFalse(Files.exists(tmp.resolve("w")));
        assertFalse(Files.exists(tmp.resolve("c")));
    }
}
