package io.moducop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules a schema cannot express: where overlays may go, the msdos size limit, where the keyring may lie. */
class ProfileRulesTest {

    private static final String BOARD = "board:\n  name: moducop-test\n  base: qemuarm64\n";

    @TempDir
    Path tmp;

    private static Diagnostic first(String yaml) {
        return first(yaml, null);
    }

    private static Diagnostic first(String yaml, Path dir) {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml", yaml, dir), yaml);
        Diagnostic d = e.diagnostics().get(0);
        assertTrue(d.line() > 0, d.format());
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/var/log/journal", "/var/log", "/var/run/x", "/tmp/x", "/sbin/init", "/bin/x", "/lib64/x",
        "/usr/local", "/boot/x", "/uboot/x", "/run/x", "/dev/shm", "/sys/x", "/proc/1", "/data/x", "/var/volatile/x",
        "/var/tmp/x", "/var/lock/x", "/var", "/mnt", "/lib"})
    void overlaysUnderReservedPlacesAreRefused(String dir) {
        Diagnostic d = first(BOARD + "overlays: { persistent: [\"" + dir + "\"] }\n");
        assertEquals(dir + " cannot be an overlay", d.message(), d.format());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "//etc", "/etc/", "/etc/./x", "/etc/../x", "etc", "/etc//x", "/./etc", "/a/b/c/d/e"})
    void overlaysMustBeAbsoluteAndNormalised(String dir) {
        assertTrue(first(BOARD + "overlays: { persistent: [\"" + dir + "\"] }\n").message().startsWith("overlays.persistent[0]"));
    }

    @Test
    void ordinaryOverlaysStillPass() {
        Profile p = ProfileLoader.parse("p.yaml", BOARD + "overlays: { persistent: [/etc, /home, /var/lib/docker, /libexec], volatile: [/var/cache] }\n");
        assertEquals(4, p.overlays().persistent().size());
    }

    @Test
    void msdosStopsAtTwoTebibytes() {
        Diagnostic d = first(BOARD + "storage: { size: 4TiB, table: msdos }\n");
        assertEquals(4, d.line());
        assertEquals("storage.size 4 TiB is more than an msdos partition table can address: 2^32 sectors × 512 bytes = 2 TiB",
                d.message());
        assertTrue(d.hint().contains("table: gpt"), d.hint());
        ProfileLoader.parse("p.yaml", BOARD + "storage: { size: 2TiB, table: msdos }\n");
        ProfileLoader.parse("p.yaml", BOARD + "storage: { size: 4TiB, table: gpt }\n");
    }

    @Test
    void aBoardThatBootsOnlyFromMsdosGetsNoGptHint() {
        Diagnostic d = first("board:\n  name: moducop-bb\n  base: beaglebone-yocto\nstorage: { size: 3TiB, table: msdos }\n");
        assertFalse(d.hint().contains("gpt"), d.hint());
    }

    private Path keyringDir() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("board"));
        Files.writeString(tmp.resolve("outside.pem"), "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
        return dir;
    }

    @Test
    void aKeyringOutsideTheProfileDirectoryIsRefused() throws Exception {
        Diagnostic d = first(BOARD + "ota: { keyring: ../outside.pem }\n", keyringDir());
        assertEquals("keyring ../outside.pem is outside the profile's directory", d.message());
    }

    @Test
    void aSymlinkLeadingOutOfTheProfileDirectoryIsRefused() throws Exception {
        Path dir = keyringDir();
        Files.createSymbolicLink(dir.resolve("ring.pem"), tmp.resolve("outside.pem"));
        assertEquals("keyring ring.pem is outside the profile's directory", first(BOARD + "ota: { keyring: ring.pem }\n", dir).message());
    }

    @Test
    void aKeyringThatIsADeviceOrFifoIsRefusedWithoutReading() throws Exception {
        Path dir = keyringDir();
        Files.createSymbolicLink(dir.resolve("zero.pem"), Path.of("/dev/zero"));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("fifo.pem").toString()).start().waitFor());
        Diagnostic zero = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> first(BOARD + "ota: { keyring: zero.pem }\n", dir));
        assertEquals("keyring zero.pem is outside the profile's directory", zero.message());
        Diagnostic fifo = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> first(BOARD + "ota: { keyring: fifo.pem }\n", dir));
        assertEquals("keyring fifo.pem is not a regular file (a device, FIFO or socket)", fifo.message());
        Diagnostic self = first(BOARD + "ota: { keyring: . }\n", dir);
        assertEquals("keyring . is outside the profile's directory", self.message());
    }

    @Test
    void aHugeOrBinaryKeyringIsRefused() throws Exception {
        Path dir = keyringDir();
        Files.writeString(dir.resolve("big.pem"), "-----BEGIN CERTIFICATE-----\n" + "A".repeat(300 * 1024));
        assertEquals("keyring big.pem is larger than 256 KiB", first(BOARD + "ota: { keyring: big.pem }\n", dir).message());
        Files.writeString(dir.resolve("esc.pem"), "-----BEGIN CERTIFICATE-----\n\u001b]0;x\u0007\n-----END CERTIFICATE-----\n");
        assertTrue(first(BOARD + "ota: { keyring: esc.pem }\n", dir).message().startsWith("keyring esc.pem is not PEM text (byte 0x1b"));
    }

    @Test
    void aKeyringInsideTheDirectoryIsRead() throws Exception {
        Path dir = keyringDir();
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/ca.cert.pem"), "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
        Profile p = ProfileLoader.parse("p.yaml", BOARD + "ota: { keyring: keys/ca.cert.pem }\n", dir);
        assertTrue(p.ota().keyringPem().startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void theSchemaNamesTheVariableTheCodeReads() throws Exception {
        String schema = Files.readString(Path.of("profiles/profile.schema.json"));
        assertTrue(schema.contains(io.moducop.bitbake.RaucSigning.KEYRING_DIR_ENV), "schema names the keyring variable the build reads");
        assertFalse(schema.replace("MODUCOP_RAUC_KEYRING_DIR", "").contains("MODUCOP_RAUC_KEYRING"));
    }
}
