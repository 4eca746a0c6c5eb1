package io.moducop.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/profile-reference.md, docs/board-reference.md and docs/compose-reference.md are generated from the schemas: the
 * committed files must be what the schemas give.
 */
class ProfileReferenceTest {

    @Test
    void theCommittedProfileReferenceIsWhatTheSchemaProduces() throws IOException {
        assertCommitted("docs/profile-reference.md", "profiles/profile.schema.json", "schema", "--markdown");
    }

    @Test
    void theCommittedComposeReferenceIsWhatTheSchemaProduces() throws IOException {
        assertCommitted("docs/compose-reference.md", "profiles/compose.schema.json", "schema", "--compose", "--markdown");
    }

    @Test
    void theCommittedBoardReferenceIsWhatTheSchemaProduces() throws IOException {
        assertCommitted("docs/board-reference.md", "machine-configs/machine-config.schema.json", "schema", "--board", "--markdown");
    }

    private static void assertCommitted(String file, String schema, String... args) throws IOException {
        String regenerate = "./moducop " + String.join(" ", args) + " > " + file;
        Cli generated = Cli.run(args);
        assertEquals(0, generated.exitCode(), generated.err());
        Path reference = Path.of(file);
        assertTrue(Files.isRegularFile(reference), file + " is missing; make it with: " + regenerate);
        assertEquals(generated.out(), Files.readString(reference),
                file + " differs from what " + schema + " produces; regenerate it with: " + regenerate);
    }

    @Test
    void everyKeyOfTheSchemaHasASection() {
        String md = Cli.run("schema", "--markdown").out();
        for (String key : new String[] {"board.name", "partitions.data.size", "login.ssh-keys", "apps[].compose", "ota.signing.cert"}) {
            assertTrue(md.contains("\n## `" + key + "`\n"), key);
        }
        assertTrue(md.contains("- Range: 1 to 9."), md);
        assertTrue(md.contains("- Default: `[/etc, /root]`."), md);
        assertTrue(md.contains("Pattern (the whole value must match): `^[a-z][a-z0-9-]{0,39}$`."), md);
    }
}
