package io.moducop.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys --dev DIR}: one clear line for every bad DIR, and all four files or none. */
class DevelopmentKeysTest {

    private static final List<String> FILES = List.of(DevelopmentKeys.CA_KEY, DevelopmentKeys.CA_CERT,
            DevelopmentKeys.SIGNING_KEY, DevelopmentKeys.SIGNING_CERT);

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertOneCleanLine(Cli r, int exit, String startsWith) {
        assertEquals(exit, r.exitCode(), r.err());
        assertTrue(r.err().startsWith(startsWith), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.err().lines().skip(1).allMatch(l -> l.startsWith("  hint: ")), "one error line and its hint: " + r.err());
    }

    @Test
    void createsAllFourWithPrivateKeys() throws IOException {
        Path dir = tmp.resolve("new/keys");
        Cli r = Cli.run("keys", "--dev", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(FILES.stream().sorted().toList(), names(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DevelopmentKeys.CA_KEY))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DevelopmentKeys.SIGNING_KEY))));
    }

    @Test
    void aFileAsDirIsAUserError() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        assertOneCleanLine(Cli.run("keys", "--dev", file.toString()), 2, file + ": ");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aDanglingSymlinkIsAUserError() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("missing"));
        assertOneCleanLine(Cli.run("keys", "--dev", link.toString()), 2, link + ": ");
        assertFalse(Files.exists(tmp.resolve("missing")));
    }

    @Test
    void anExistingKeyIsNeverOverwrittenAndNothingIsAdded() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("keys"));
        Files.writeString(dir.resolve(DevelopmentKeys.SIGNING_CERT), "old");
        assertOneCleanLine(Cli.run("keys", "--dev", dir.toString()), 2, dir.resolve(DevelopmentKeys.SIGNING_CERT) + ": ");
        assertEquals(List.of(DevelopmentKeys.SIGNING_CERT), names(dir));
        assertEquals("old", Files.readString(dir.resolve(DevelopmentKeys.SIGNING_CERT)));
    }

    @Test
    void anUnwritableDirIsOneLineAndLeavesNothing() throws IOException {
        Path dir = Path.of("/proc/self/moducop-keys");
        Cli r = Cli.run("keys", "--dev", dir.toString());
        assertTrue(r.exitCode() == 1 || r.exitCode() == 2, r.err());
        assertOneCleanLine(r, r.exitCode(), "/proc/self");
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsRefusedAndLeftEmpty() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
        Path dir = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Cli r = Cli.run("keys", "--dev", dir.toString());
            assertTrue(r.exitCode() == 1 || r.exitCode() == 2, r.err());
            assertOneCleanLine(r, r.exitCode(), dir + ": ");
            assertEquals(List.of(), names(dir));
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFailureWhileMovingIntoPlaceRemovesWhatThisRunWrote() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("keys"));
        // the last file of the four appears while openssl runs: a directory in its place makes its move fail
        Path blocker = dir.resolve(DevelopmentKeys.SIGNING_CERT);
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    try (Stream<Path> s = Files.list(dir)) {
                        if (s.anyMatch(p -> p.getFileName().toString().startsWith(".keys-"))) {
                            Files.createDirectory(blocker);
                            return;
                        }
                    }
                    Thread.onSpinWait();
                }
            } catch (IOException e) {
                // the run finished first; the assertions below tell
            }
        });
        t.start();
        Cli r = Cli.run("keys", "--dev", dir.toString());
        t.interrupt();
        assertOneCleanLine(r, 2, blocker + ": ");
        assertEquals(List.of(DevelopmentKeys.SIGNING_CERT), names(dir), "only the blocker is left");
    }
}
