package io.moducop.boottest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The scenario list is the one source of docs/boot-test-scenarios.md, --help and --scenario's
 * check. After a change to the list: {@code mvn test -Dtest=ScenarioCatalogTest -Dscenarios.update=true},
 * then review the diff of the docs file like any other change.
 */
class ScenarioCatalogTest {

    private static final Path DOC = Path.of("docs/boot-test-scenarios.md");

    @Test
    void theCommittedTableIsTheOneTheListWrites() throws IOException {
        if (Boolean.getBoolean("scenarios.update")) {
            Files.writeString(DOC, ScenarioCatalog.markdown());
        }
        assertEquals(ScenarioCatalog.markdown(), Files.readString(DOC),
                DOC + " differs from ScenarioCatalog: run mvn test -Dtest=ScenarioCatalogTest -Dscenarios.update=true");
    }

    @Test
    void helpNamesEveryScenario() {
        Cli r = Cli.run("boot-test", "--help");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("Scenarios to run (default: all): " + String.join(", ", ScenarioCatalog.bootFlowIds()) + "."), help);
        assertTrue(help.contains("Scenarios: system-boot, login, containers, mark-good, rauc-install, panic, hang, unhealthy,"
                + " power-cut, apps (profiles with apps), app-install (profiles with apps), offline, no-dhcp."), help);
    }

    @Test
    void anUnknownScenarioIsBadInputNamingTheNearestOne() {
        Cli r = Cli.run("boot-test", "--system", "--scenario", "rauc-instal");
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("unknown scenario 'rauc-instal' for --system"), r.err());
        assertTrue(r.err().contains("rauc-install"), r.err());
        Cli flow = Cli.run("boot-test", "--scenario", "power-cut");
        assertEquals(ExitCode.BAD_INPUT, flow.exitCode(), flow.out() + flow.err());
        assertTrue(flow.err().contains("unknown scenario 'power-cut'"), flow.err());
    }
}
