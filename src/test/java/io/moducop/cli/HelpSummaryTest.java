package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.util.List;
import org.junit.jupiter.api.Test;

/** moducop --help reads as a table of contents: one complete line per command. */
class HelpSummaryTest {

    @Test
    void everyCommandSummaryIsOneCompleteLine() {
        Cli help = Cli.run("--help");
        assertEquals(0, help.exitCode(), help.err());
        String out = help.out();
        List<String> commands = out.substring(out.indexOf("Commands:\n") + "Commands:\n".length()).lines().toList();
        assertEquals(List.of("validate", "generate", "schema", "boot-test", "build", "lock", "keys", "fetch", "app-bundle", "run", "help"),
                commands.stream().map(l -> l.trim().split(" ")[0]).toList(), out);
        for (String line : commands) {
            assertTrue(line.matches("  [a-z-]+ +[A-Z].*\\."), "not one complete line: '" + line + "'\n" + out);
        }
    }

    @Test
    void theDetailsStayInEachCommandsOwnHelp() {
        assertTrue(Cli.run("build", "--help").out().contains("(JGit)"));
        assertTrue(Cli.run("boot-test", "--help").out().contains("overlay init"));
        assertTrue(Cli.run("fetch", "--help").out().contains("skopeo login"));
        assertTrue(Cli.run("run", "--help").out().contains("--serve"));
    }
}
