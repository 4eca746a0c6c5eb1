package io.moducop.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.moducop.Cli;
import io.moducop.Diagnostic;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated base-board files (the built-in boards and the i.MX example), named by a profile as
 * boards/b.yaml: validate and generate end in time with exit 0 or 2 and no stack trace, refused
 * input writes nothing, and every value an accepted board brings into generated files is printable
 * single-line ASCII. Rerun a failure with {@code -Dmoducop.fuzz.seed=N}.
 */
class BoardFileFuzzTest {

    private static final long SEED = Long.getLong("moducop.fuzz.seed", 20261207L);
    private static final int CASES = Integer.getInteger("moducop.fuzz.cases", 800);
    private static final Duration EACH = Duration.ofSeconds(10);
    private static final Pattern CLEAN = Pattern.compile("[\\x20-\\x7e]*");

    @TempDir
    Path tmp;

    private static List<String> seeds() throws IOException {
        List<String> texts = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("machine-configs"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                texts.add(Files.readString(p));
            }
        }
        texts.add(Files.readString(Path.of("examples/imx8mp-evk/boards/imx8mp-evk.yaml")));
        return texts;
    }

    @Test
    void mutatedBoardFilesEndInExitZeroOrTwoWithoutTraceAndOnlyCleanValues() throws IOException {
        System.out.println("BoardFileFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Random r = new Random(SEED);
        Mutator mutator = new Mutator(r);
        List<String> seeds = seeds();
        int accepted = 0;
        int generated = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutator.mutate(seeds.get(r.nextInt(seeds.size())));
            Path dir = Files.createDirectories(tmp.resolve("c" + i + "/boards"));
            Files.write(dir.resolve("b.yaml"), input);
            Path profile = dir.getParent().resolve("p.yaml");
            // wrynose: every seed lists layers for it
            Files.writeString(profile, "board:\n  name: moducop-fuzz\n  base: boards/b.yaml\nyocto: { release: wrynose }\n"
                    + "storage: { size: 8GiB, table: gpt }\n");
            String where = "seed " + SEED + " case " + i + ":\n" + Diagnostic.escape(new String(input, StandardCharsets.UTF_8));
            Cli v = assertTimeoutPreemptively(EACH, () -> Cli.run("validate", profile.toString()), where);
            assertTrue(v.exitCode() == 0 || v.exitCode() == 2, where + "\nexit " + v.exitCode() + "\n" + v.err());
            assertNoStackTrace(where, v.out(), v.err());
            if (v.exitCode() == 2) {
                assertTrue(v.err().contains("b.yaml") || v.err().contains("p.yaml"), where + "\n" + v.err());
            } else {
                accepted++;
                assertClean(ProfileLoader.load(profile).base(), where);
            }
            if (i % 20 == 0 || (v.exitCode() == 0 && generated < 100)) {
                generated++;
                Path out = dir.getParent().resolve("out");
                Cli g = assertTimeoutPreemptively(EACH, () -> Cli.run("generate", profile.toString(), "-o", out.toString()), where);
                assertEquals(v.exitCode(), g.exitCode(), where + "\nvalidate and generate disagree\n" + g.err());
                assertNoStackTrace(where, g.out(), g.err());
                if (g.exitCode() == 2) {
                    assertFalse(Files.exists(out), where + "\nexit 2 but " + out + " was written");
                }
            }
            delete(dir.getParent());
        }
        System.out.printf("BoardFileFuzzTest: %d cases, %d accepted, %d generate runs%n", CASES, accepted, generated);
        assertTrue(accepted > CASES / 40, "too few mutants are valid to reach the generator: " + accepted);
    }

    /** Every string of the board that templates use. */
    private static void assertClean(MachineConfig b, String where) {
        List<String> values = new ArrayList<>(List.of(b.machine(), b.name(), b.console(), b.containerPlatform(),
                b.kernel().image(), b.kernel().recipe(), b.linuxPartitionPrefix()));
        List<String> optional = new ArrayList<>(java.util.Arrays.asList(b.kmachine(), b.kernel().layer(), b.kernel().bootCommand()));
        if (b.bootLoader() == MachineConfig.BootLoader.U_BOOT) {
            values.addAll(List.of(b.deviceTree().source(), b.deviceTree().address(), b.uboot().interfaceName(), b.uboot().arch(),
                    b.ubootEnv().device(), b.ubootEnv().offset(), b.ubootEnv().size()));
            optional.addAll(java.util.Arrays.asList(b.deviceTree().file(), b.ubootEnv().sectorSize(), b.ubootEnv().bootMount(),
                    b.ubootEnv().redundantDevice(), b.ubootEnv().redundantOffset()));
        } else {
            assertTrue(b.deviceTree() == null && b.uboot() == null && b.ubootEnv() == null && b.kernel().bootCommand() == null,
                    where + "\na " + b.bootLoader().id() + " board kept U-Boot's settings");
        }
        for (String s : optional) {
            if (s != null) {
                values.add(s);
            }
        }
        values.addAll(b.machineOverrides());
        values.addAll(b.partitionTables());
        values.addAll(b.bootFilesRemove());
        b.settings().forEach(s -> values.addAll(List.of(s.name(), s.value())));
        b.rawArea().images().forEach(img -> values.addAll(List.of(img.file(), img.recipe())));
        b.layers().values().forEach(ls -> ls.forEach(l -> {
            values.addAll(List.of(l.name(), l.url(), l.branch()));
            values.addAll(l.paths());
        }));
        for (String val : values) {
            if (!CLEAN.matcher(val).matches() || val.contains("${") || val.contains("\"")) {
                fail(where + "\naccepted a board value that is not plain printable ASCII: " + Diagnostic.escape(val));
            }
        }
    }

    private static void assertNoStackTrace(String where, String... outputs) {
        for (String o : outputs) {
            assertFalse(o.contains("Exception") || o.contains("\tat ") || o.contains("Error:"), where + ":\n" + o);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
