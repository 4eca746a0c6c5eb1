package io.moducop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A profile file is read only if it is a regular file, and only up to the limit. */
class BoundedReadTest {

    private static final String BOARD = "board:\n  name: moducop-test\n  base: qemuarm64\n";

    @TempDir
    Path tmp;

    @Test
    void aFifoDeviceOrDirectoryAsProfileIsRefusedBeforeReading() throws Exception {
        Path fifo = tmp.resolve("fifo.yaml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        for (String file : new String[] {fifo.toString(), "/dev/zero", tmp.toString()}) {
            Cli r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Cli.run("validate", file));
            assertEquals(2, r.exitCode(), file + ": " + r.err());
            assertTrue(r.err().contains("not a regular file"), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }

    @Test
    void aProfileLargerThanTheLimitIsRefusedWhileReading() throws Exception {
        Path big = tmp.resolve("big.yaml");
        Files.writeString(big, BOARD + "#" + "x".repeat(2 * 1024 * 1024) + "\n");
        Cli r = Cli.run("validate", big.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith(big + ": the file is larger than 256 KiB"), r.err());
    }

    @Test
    void aSymlinkToAnEndlessDeviceIsRefusedBeforeReading() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("zero.yaml"), Path.of("/dev/zero"));
        Cli r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Cli.run("validate", link.toString()));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith(link + ": the file is not a regular file"), r.err());
    }

    /** The name reaches the terminal and messages (never generated files): refused rather than echoed. */
    @Test
    void aFileNameWithControlOrBidiCharactersIsRefused() throws Exception {
        for (String name : new String[] {"a\nreboot\n#.yaml", "p\u202egnp.yaml", "esc\u001b[2J.yaml"}) {
            Path p = Files.writeString(tmp.resolve(name), BOARD);
            Cli r = Cli.run("validate", p.toString());
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().startsWith(io.moducop.Diagnostic.escape(p.toString()) + ": the file name contains a control"), r.err());
            assertEquals(2, r.err().lines().count(), r.err());
        }
    }

    @Test
    void invalidUtf8IsAUserError() throws Exception {
        Path p = tmp.resolve("bad.yaml");
        Files.write(p, new byte[] {'b', 'o', 'a', 'r', 'd', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("not valid UTF-8"), r.err());
    }
}
