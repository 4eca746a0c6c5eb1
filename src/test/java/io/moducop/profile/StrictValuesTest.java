package io.moducop.profile;

import io.moducop.schema.SchemaValidator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every scalar passes the central checks: standard YAML tag, bounded length, one line of printable text, whole-string pattern. */
class StrictValuesTest {

    private static final String BOARD = "board:\n  name: moducop-test\n  base: qemuarm64\n";

    private static Diagnostic first(String yaml) {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml", yaml), yaml);
        Diagnostic d = e.diagnostics().get(0);
        assertTrue(d.line() > 0, d.format());
        return d;
    }

    /** {@code $} with {@code find()} let one trailing line terminator through every pattern. */
    @ParameterizedTest
    @ValueSource(strings = {
        "containers: { registries: [\"docker.io\\n\"] }\n",
        "overlays: { persistent: [\"/proc\\n\"] }\n",
        "overlays: { persistent: [\"/srv\\n\"] }\n",
        "storage: { size: \"8GiB\\n\" }\n",
        "partitions: { data: { size: \"2GiB\\n\" } }\n",
        "ota: { compatible: \"abc\\r\\n\" }\n",
    })
    void aTrailingLineTerminatorIsRefused(String section) {
        Diagnostic d = first(BOARD + section);
        assertEquals(4, d.line(), d.format());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\n", "\\r", "\\x85", "\\u2028", "\\u2029", "\\t", "\\0", "\\e", "\\x7f"})
    void controlCharactersAndLineSeparatorsAreRefusedCentrally(String escape) {
        Diagnostic d = first(BOARD + "containers: { registries: [\"a" + escape + "b\"] }\n");
        assertTrue(d.message().contains("control character or line break"), d.format());
        assertEquals("containers.registries[0]", d.message().substring(0, d.message().indexOf(' ')), d.format());
    }

    @Test
    void aControlCharacterInAKeyIsRefused() {
        Diagnostic d = first(BOARD + "\"boot\\u2028\": { attempts: 3 }\n");
        assertTrue(d.message().contains("control character or line break"), d.format());
    }

    @Test
    void aLongValueIsACleanErrorNotAStackOverflow() {
        String registry = "a" + ".a".repeat(2000);
        Diagnostic d = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> first(BOARD + "containers: { registries: [\"" + registry + "\"] }\n"));
        assertTrue(d.message().contains("too long"), d.format());
    }

    @Test
    void aHugeScalarIsRefusedByTheHardCap() {
        Diagnostic d = first(BOARD + "boot: { attempts: " + "9".repeat(5000) + " }\n");
        assertTrue(d.message().contains("too long"), d.format());
    }

    @ParameterizedTest
    @ValueSource(strings = {"!!str moducop-test", "!!str \"moducop-test\""})
    void theStandardStrTagIsAString(String value) {
        Profile p = ProfileLoader.parse("p.yaml", "board:\n  name: " + value + "\n  base: !!str qemuarm64\n");
        assertEquals("moducop-test", p.board().name());
    }

    @Test
    void theStandardScalarAndCollectionTagsAreTheTypesTheyName() {
        Profile p = ProfileLoader.parse("p.yaml", BOARD + "boot: !!map { attempts: !!int 4 }\n"
                + "containers: { docker-alias: !!bool false, registries: !!seq [ !!str quay.io ] }\n");
        assertEquals(4, p.bootAttempts());
        assertFalse(p.containers().dockerAlias());
        assertEquals(List.of("quay.io"), p.containers().registries());
    }

    @Test
    void aStandardTagOnTheWrongTypeSaysWhatItFound() {
        assertTrue(first(BOARD + "boot: { attempts: !!float 3 }\n").message().contains("must be a whole number"));
        assertTrue(first(BOARD + "containers: { compose: !!bool maybe }\n").message().contains("must be true or false"));
        assertTrue(first(BOARD + "boot: { attempts: !!null }\n").message().contains("has no value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"!foo x", "!!python/object:os.system x", "!!binary aGVsbG8=", "!!timestamp 2001-12-14",
        "!!set { a }", "!!omap [ a: 1 ]", "!<tag:example.com,2000:x> y", "!!java.io.File x"})
    void everyOtherTagIsRefusedWithOneMessage(String value) {
        Diagnostic d = first("board:\n  name: " + value + "\n  base: qemuarm64\n");
        assertEquals(2, d.line());
        assertTrue(d.message().startsWith("board.name: the YAML tag "), d.format());
        assertTrue(d.message().endsWith(" is not allowed"), d.format());
    }

    @Test
    void anUnquotedDateIsText() {
        assertEquals("2001-12-14", ProfileLoader.parse("p.yaml", BOARD + "ota: { compatible: 2001-12-14 }\n").ota().compatible());
    }

    @Test
    void deepNestingAndManyAliasesEndQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (String yaml : new String[] {BOARD + "x: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n",
                BOARD + "x: " + "{a: ".repeat(20_000) + "}".repeat(20_000) + "\n",
                BOARD + "x: " + "- ".repeat(20_000) + "a\n",
                BOARD + "x: &a y\nz: [" + "*a, ".repeat(50_000) + "*a]\n"}) {
                UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml", yaml));
                assertTrue(e.diagnostics().size() <= SchemaValidator.MAX_ERRORS + 1, e.diagnostics().size() + " diagnostics");
            }
        });
    }

    @Test
    void thousandsOfProblemsAreCappedInTheReport() {
        StringBuilder y = new StringBuilder(BOARD);
        for (int i = 0; i < 5000; i++) {
            y.append("unknown").append(i).append(": 1\n");
        }
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("p.yaml", y.toString()));
        assertEquals(SchemaValidator.MAX_ERRORS + 1, e.diagnostics().size());
        Diagnostic last = e.diagnostics().get(SchemaValidator.MAX_ERRORS);
        assertEquals("4950 more problems not listed", last.message());
    }
}
