package io.moducop.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProfileValidationTest {

    private static final String BOARD = "board:\n  name: moducop-test\n  base: qemuarm64\n";

    private static Diagnostic only(String yaml) {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("profile.yaml", yaml));
        assertEquals(1, e.diagnostics().size(), () -> "expected one diagnostic, got " + e.diagnostics());
        return e.diagnostics().get(0);
    }

    @Test
    void boardAloneIsAValidProfileWithTheConceptDefaults() {
        Profile p = ProfileLoader.parse("profile.yaml", BOARD);
        assertEquals("moducop-test", p.board().name());
        assertEquals(List.of("/etc", "/root"), p.overlays().persistent());
        assertEquals(List.of("/var/cache", "/var/lib", "/var/spool"), p.overlays().volatileDirs());
        assertEquals(List.of("docker.io"), p.containers().registries());
        assertTrue(p.containers().dockerAlias());
        assertTrue(p.containers().compose());
        assertEquals(3, p.bootAttempts());
        assertEquals("gpt", p.storage().table());
        assertEquals(8 * Size.GIB, p.storage().size());
        assertEquals(null, p.partitions().data(), "data takes the rest by default");
    }

    @Test
    void unknownKeyIsReportedWhereItStandsWithASuggestion() {
        Diagnostic d = only(BOARD + "partitons:\n  boot: { size: 64MiB }\n");
        assertEquals(4, d.line());
        assertEquals(1, d.column());
        assertEquals("unknown key 'partitons'", d.message());
        assertTrue(d.hint().startsWith("did you mean 'partitions'?"), d.hint());
    }

    @Test
    void unknownNestedKeyNamesItsSection() {
        Diagnostic d = only(BOARD + "boot:\n  atempts: 3\n");
        assertEquals("profile.yaml:5:3: unknown key 'atempts' in boot", d.format().lines().findFirst().orElseThrow());
        assertTrue(d.hint().contains("did you mean 'attempts'"));
    }

    @Test
    void duplicateKeyIsAnError() {
        Diagnostic d = only(BOARD + "boot: { attempts: 3 }\nboot: { attempts: 4 }\n");
        assertEquals(5, d.line());
        assertTrue(d.message().contains("duplicate key 'boot'"), d.message());
    }

    @Test
    void wrongTypesSayWhatWasFound() {
        assertEquals("boot.attempts must be a whole number, found \"three\"", only(BOARD + "boot: { attempts: three }\n").message());
        assertEquals("storage.size must be a string, found the number 8", only(BOARD + "storage: { size: 8 }\n").message());
        assertEquals("containers.compose must be true or false, found \"maybe\"", only(BOARD + "containers: { compose: maybe }\n").message());
        assertEquals("overlays must be a mapping (key: value), found a list", only(BOARD + "overlays: [/etc]\n").message());
    }

    @Test
    void attemptsAboveNineAreRefusedBecauseSetexprPrintsHex() {
        Diagnostic d = only(BOARD + "boot: { attempts: 10 }\n");
        assertEquals("boot.attempts is 10, must be from 1 to 9", d.message());
        assertTrue(d.hint().contains("hex"), d.hint());
    }

    @Test
    void partitionsThatDoNotFitShowTheArithmetic() {
        Diagnostic d = only(BOARD + "storage: { size: 4GiB }\npartitions:\n  rootfs: { size: 2GiB }\n  data: { size: 1GiB }\n");
        assertEquals(4, d.line());
        assertEquals("partitions need 4 MiB (table and alignment) + 64 MiB boot + 2 × 2 GiB rootA/rootB + 1 GiB data"
                + " + 1 MiB (backup GPT) = 5.07 GiB, more than storage.size 4 GiB", d.message());
        assertTrue(d.hint().contains("at least 5.07 GiB"), d.hint());
    }

    @Test
    void restLeavesTooLittleForData() {
        Diagnostic d = only(BOARD + "storage: { size: 2GiB }\npartitions: { rootfs: { size: 1000MiB } }\n");
        assertTrue(d.message().startsWith("partitions need 4 MiB (table and alignment) + 64 MiB boot + 2 × 1000 MiB rootA/rootB"
                + " + 1 MiB (backup GPT) = 2.02 GiB, which leaves 0 B of storage.size 2 GiB"), d.message());
    }

    @Test
    void sizesMustFollowTheAlignment() {
        Diagnostic d = only(BOARD + "partitions: { boot: { size: 30MiB } }\n");
        assertEquals("partitions.boot.size 30MiB is not a multiple of the 4 MiB partition alignment", d.message());
        assertEquals("use 28MiB or 32MiB", d.hint());
    }

    @Test
    void unknownBaseBoardSuggestsTheClosest() {
        Diagnostic d = only("board:\n  name: x1\n  base: raspberrypi4\n");
        assertEquals(3, d.line());
        assertEquals(9, d.column());
        assertEquals("unknown base board 'raspberrypi4'", d.message());
        assertTrue(d.hint().startsWith("did you mean 'raspberrypi4-64'?"), d.hint());
    }

    @Test
    void boardThatCannotBootGptSaysWhichTableItNeeds() {
        Diagnostic d = only("board: { name: bb, base: beaglebone-yocto }\n");
        assertEquals("BeagleBone Black cannot boot from a gpt partition table", d.message());
        assertEquals("use table: msdos", d.hint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Moducop", "moducop_test", "1board", "a-very-long-machine-name-that-bitbake-will-hate-x"})
    void machineNamesYoctoDoesNotAcceptAreRefused(String name) {
        Diagnostic d = only("board:\n  name: \"" + name + "\"\n  base: qemuarm64\n");
        assertEquals(2, d.line());
        assertTrue(d.message().startsWith("board.name \"" + name), d.message());
        assertTrue(d.hint().contains("MACHINE"), d.hint());
    }

    /** Strings that would run code in a shell, bitbake or U-Boot are errors, never generated. */
    @ParameterizedTest
    @ValueSource(strings = {"$(reboot)", "\\\"; reboot; \\\"", "a\\nreboot", "${@os.system('reboot')}", "`reboot`", "x;reset", "a'b"})
    void injectionAttemptsAreRejectedInEveryStringField(String evil) {
        String[] yamls = {
            "board:\n  name: \"" + evil + "\"\n  base: qemuarm64\n",
            "board:\n  name: ok\n  base: \"" + evil + "\"\n",
            BOARD + "  description: \"ok " + evil + "\"\n",
            BOARD + "containers:\n  registries: [\"" + evil + "\"]\n",
            BOARD + "overlays:\n  persistent: [\"/etc/" + evil + "\"]\n",
            BOARD + "storage: { size: \"1GiB" + evil + "\" }\n",
        };
        for (String yaml : yamls) {
            UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("profile.yaml", yaml), yaml);
            assertTrue(e.diagnostics().get(0).line() > 0, yaml);
        }
    }

    @Test
    void controlCharactersAreShownEscapedInTheMessage() {
        Diagnostic d = only("board:\n  name: \"a\\nreboot\"\n  base: qemuarm64\n");
        assertEquals("board.name \"a\\nreboot\" contains a control character or line break (\\n at character 2)", d.message());
        assertFalse(d.message().contains("\n"));
    }

    @Test
    void aliasBombIsRefusedBeforeItExpands() {
        StringBuilder y = new StringBuilder(BOARD + "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 9; i++) {
            y.append("x").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                y.append(j > 0 ? ", " : "").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("profile.yaml", y.toString()));
        assertTrue(e.diagnostics().get(0).format().contains("alias"), e.diagnostics().toString());
    }

    @Test
    void anchorsAreRefusedEvenWhenSmall() {
        Diagnostic d = only("board: &b\n  name: x\n  base: qemuarm64\n");
        assertTrue(d.message().contains("anchors and aliases are not allowed"), d.message());
    }

    @Test
    void yamlSyntaxErrorsKeepTheirPosition() {
        Diagnostic d = only(BOARD + "boot: { attempts: 3\n");
        assertTrue(d.message().startsWith("invalid YAML"), d.message());
        assertTrue(d.line() >= 4, d.format());
    }

    @Test
    void emptyAndMissingRequiredKeys() {
        assertEquals("the file is empty", only("").message());
        assertEquals("missing required key 'board'", only("storage: { size: 8GiB }\n").message());
        assertEquals("missing required key 'base' in board", only("board: { name: x }\n").message());
    }

    @Test
    void overlaysMustNotCoverSystemDirectoriesOrEachOther() {
        assertTrue(only(BOARD + "overlays: { persistent: [/usr] }\n").message().contains("/usr cannot be an overlay"));
        assertTrue(only(BOARD + "overlays: { persistent: [/etc, /etc/ssh] }\n").message().contains("/etc/ssh overlaps /etc"));
        assertTrue(only(BOARD + "overlays: { volatile: [/etc] }\n").message().contains("overlaps the persistent overlay /etc"));
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("profile.yaml",
                "board: { name: Bad, base: qemuarm64, colour: red }\nboot: { attempts: 0 }\n"));
        assertEquals(3, e.diagnostics().size(), e.diagnostics().toString());
    }

    @Test
    void otaDefaultsToRaucWithTheBoardNameAsCompatible() {
        Profile p = ProfileLoader.parse("profile.yaml", BOARD);
        assertTrue(p.ota().rauc());
        assertEquals("moducop-test", p.ota().compatible());
        assertEquals(null, p.ota().keyringPem());
        assertEquals("env:MODUCOP_RAUC_KEY", p.ota().signingKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\"b", "x;reboot", "$(id)", "name=value", "[system]", "a`b`", "a'b", "tab\there"})
    void compatibleStringsRaucOrTheShellWouldMisreadAreRefused(String compatible) {
        Diagnostic d = only(BOARD + "ota: { compatible: '" + compatible.replace("'", "''") + "' }\n");
        assertEquals(4, d.line());
        assertTrue(d.message().startsWith("ota.compatible"), d.message());
    }

    @Test
    void aMissingKeyringIsReportedWhereItIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml",
                BOARD + "ota:\n  keyring: keys/ca.cert.pem\n", dir));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals("p.yaml:5:12: keyring keys/ca.cert.pem does not exist (relative to the profile)", d.format().lines().findFirst().orElseThrow());
        assertTrue(d.hint().contains("moducop keys --dev keys"), d.hint());
    }

    @Test
    void aKeyringHoldingAPrivateKeyIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("ring.pem"),
                "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY-----\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml", BOARD + "ota: { keyring: ring.pem }\n", dir));
        assertTrue(e.diagnostics().get(0).message().contains("contains a private key"), e.diagnostics().toString());
    }

    @Test
    void signingLocationsAreChecked() {
        assertTrue(only(BOARD + "ota: { signing: { key: \"env:lower\" } }\n").message().startsWith("ota.signing.key"));
        assertTrue(only(BOARD + "ota: { signing: { cert: \"$(cat /etc/shadow)\" } }\n").message().startsWith("ota.signing.cert"));
    }
}
