package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A command line that starts with a command's name builds only that command ({@link Moducop#run});
 * {@code help NAME} builds all of them. Both must print the same usage, and the root's help must
 * still list every command.
 */
class SubcommandStartTest {

    private static final List<String> COMMANDS = List.of("validate", "generate", "schema", "boot-test", "build", "lock",
            "keys", "fetch", "app-bundle");

    @Test
    void aCommandAloneAndTheWholeTreePrintTheSameUsage() {
        for (String c : COMMANDS) {
            Cli alone = Cli.run(c, "--help");
            Cli tree = Cli.run("help", c);
            assertEquals(0, alone.exitCode(), c);
            assertEquals(tree.out(), alone.out(), c);
            assertTrue(alone.out().startsWith("Usage: moducop " + c + " "), alone.out());
        }
    }

    @Test
    void theRootStillListsEveryCommand() {
        String help = Cli.run("--help").out();
        for (String c : COMMANDS) {
            assertTrue(help.contains("\n  " + c + " "), c + " missing from:\n" + help);
        }
        assertTrue(help.contains("\n  help "), help);
    }
}
