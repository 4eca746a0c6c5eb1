package io.moducop.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.moducop.Cli;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.bitbake.LockFile;
import io.moducop.bitbake.LockFileIO;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
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
 * Thousands of mutated profiles and lock files, seeded from the examples in profiles/. Every run
 * ends in time with exit 0 or 2, prints no stack trace, writes nothing on exit 2, and what is
 * accepted holds only printable single-line values. The seed is printed; rerun a failure with
 * {@code -Dmoducop.fuzz.seed=N} (and {@code -Dmoducop.fuzz.cases=N} for more cases).
 */
class InputFuzzTest {

    private static final long SEED = Long.getLong("moducop.fuzz.seed", 20261126L);
    private static final int PROFILES = Integer.getInteger("moducop.fuzz.cases", 1200);
    private static final int LOCK_FILES = Integer.getInteger("moducop.fuzz.cases", 3000);
    /** Generous for a loaded 2-core CI machine; a run normally takes milliseconds. */
    private static final Duration EACH = Duration.ofSeconds(10);

    /** Printable ASCII, or printable non-ASCII for the free-text description; never a control or format character. */
    private static final Pattern CLEAN = Pattern.compile("[\\x20-\\x7e]*");

    @TempDir
    Path tmp;

    private static List<String> seeds(boolean lock) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("profiles"))) {
            List<String> texts = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".yaml") && n.endsWith(".lock.yaml") == lock) {
                    texts.add(Files.readString(p));
                }
            }
            assertFalse(texts.isEmpty());
            return texts;
        }
    }

    private static void assertNoStackTrace(String where, String... outputs) {
        for (String o : outputs) {
            assertFalse(o.contains("Exception") || o.contains("\tat ") || o.contains("Error:"), where + ":\n" + o);
        }
    }

    /** A file name that is sometimes hostile itself. */
    private static String fileName(Random r, int i) {
        String[] odd = {"p\u202egnp.yaml", "new\nline.yaml", "esc\u001b[2J.yaml", "sp ace.yaml", "x.yml", "noext"};
        return r.nextInt(10) == 0 ? i + odd[r.nextInt(odd.length)] : "case" + i + ".yaml";
    }

    @Test
    void mutatedProfilesEndInExitZeroOrTwoWithoutTraceAndWriteNothingWhenRefused() throws IOException {
        System.out.println("InputFuzzTest profiles: seed " + SEED + ", " + PROFILES + " cases");
        Random r = new Random(SEED);
        Mutator mutator = new Mutator(r);
        List<String> seeds = seeds(false);
        int accepted = 0;
        int generated = 0;
        long start = System.nanoTime();
        for (int i = 0; i < PROFILES; i++) {
            byte[] input = mutator.mutate(seeds.get(r.nextInt(seeds.size())));
            Path dir = Files.createDirectories(tmp.resolve("p" + i));
            Path file = dir.resolve(fileName(r, i));
            Files.write(file, input);
            String where = "seed " + SEED + " case " + i + " (" + Diagnostic.escape(file.getFileName().toString()) + "):\n"
                    + Diagnostic.escape(new String(input, java.nio.charset.StandardCharsets.UTF_8));

            Cli v = assertTimeoutPreemptively(EACH, () -> Cli.run("validate", file.toString()), where);
            assertTrue(v.exitCode() == 0 || v.exitCode() == 2, where + "\nexit " + v.exitCode() + "\n" + v.err());
            assertNoStackTrace(where, v.out(), v.err());
            if (v.exitCode() == 0) {
                accepted++;
                assertClean(ProfileLoader.load(file), where);
            }
            if (i % 20 == 0 || (v.exitCode() == 0 && generated < 200)) {
                generated++;
                Path out = dir.resolve("out");
                Cli g = assertTimeoutPreemptively(EACH, () -> Cli.run("generate", file.toString(), "-o", out.toString()), where);
                assertTrue(g.exitCode() == 0 || g.exitCode() == 2, where + "\ngenerate exit " + g.exitCode() + "\n" + g.err());
                assertEquals(v.exitCode(), g.exitCode(), where + "\nvalidate and generate disagree\n" + g.err());
                assertNoStackTrace(where, g.out(), g.err());
                if (g.exitCode() == 2) {
                    assertFalse(Files.exists(out), where + "\nexit 2 but " + out + " was written");
                }
            }
            delete(dir);
        }
        System.out.printf("InputFuzzTest profiles: %d cases, %d accepted, %d generate runs, %.1f s%n",
                PROFILES, accepted, generated, (System.nanoTime() - start) / 1e9);
        assertTrue(accepted > PROFILES / 20, "too few mutants are valid to reach the generator: " + accepted);
    }

    @Test
    void mutatedLockFilesAreReadOrRefusedWithExitTwo() throws IOException {
        System.out.println("InputFuzzTest lock files: seed " + SEED + ", " + LOCK_FILES + " cases");
        Random r = new Random(SEED ^ 0x10c4L);
        Mutator mutator = new Mutator(r);
        List<String> seeds = seeds(true);
        int accepted = 0;
        long start = System.nanoTime();
        for (int i = 0; i < LOCK_FILES; i++) {
            byte[] input = mutator.mutate(seeds.get(r.nextInt(seeds.size())));
            Path file = tmp.resolve("case" + i + ".lock.yaml");
            Files.write(file, input);
            String where = "seed " + SEED + " lock case " + i + ":\n"
                    + Diagnostic.escape(new String(input, java.nio.charset.StandardCharsets.UTF_8));
            try {
                LockFile lock = assertTimeoutPreemptively(EACH, () -> LockFileIO.read(file), where);
                accepted++;
                for (LockFile.Entry e : lock.repos()) {
                    assertTrue(e.commit().matches("[0-9a-f]{40}"), where);
                    assertTrue(CLEAN.matcher(e.name() + e.url() + e.branch()).matches(), where);
                }
            } catch (UserError e) {
                assertEquals(2, e.exitCode(), where + "\n" + e.diagnostics());
                for (Diagnostic d : e.diagnostics()) {
                    String shown = d.format();
                    assertTrue(shown.lines().count() <= 2, where + "\n" + shown);
                    assertNoStackTrace(where, shown);
                }
            }
            Files.delete(file);
        }
        System.out.printf("InputFuzzTest lock files: %d cases, %d accepted, %.1f s%n",
                LOCK_FILES, accepted, (System.nanoTime() - start) / 1e9);
        assertTrue(accepted > LOCK_FILES / 20, "too few mutants are valid: " + accepted);
    }

    /** What the validator let through reaches generated files: it must be printable single-line text. */
    /** The apps test's two-service compose file, mutated; validate reads it through a profile next to it. */
    @Test
    void mutatedComposeFilesEndInExitZeroOrTwoWithoutTraceAndOnlyCleanValues() throws IOException {
        int cases = Integer.getInteger("moducop.fuzz.cases", 1200);
        System.out.println("InputFuzzTest compose files: seed " + SEED + ", " + cases + " cases");
        Random r = new Random(SEED ^ 0xc0de);
        Mutator mutator = new Mutator(r);
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: compose.yaml\n");
        int accepted = 0;
        for (int i = 0; i < cases; i++) {
            byte[] input = mutator.mutate(io.moducop.apps.AppsValidationTest.WEB);
            Files.write(tmp.resolve("compose.yaml"), input);
            String where = "seed " + SEED + " compose case " + i + ":\n" + Diagnostic.escape(new String(input, java.nio.charset.StandardCharsets.UTF_8));
            Cli v = assertTimeoutPreemptively(EACH, () -> Cli.run("validate", profile.toString()), where);
            assertTrue(v.exitCode() == 0 || v.exitCode() == 2, where + "\nexit " + v.exitCode() + "\n" + v.err());
            assertNoStackTrace(where, v.out(), v.err());
            if (v.exitCode() == 0) {
                accepted++;
                for (io.moducop.apps.ComposeFile.Service svc : ProfileLoader.load(profile).apps().get(0).compose().services()) {
                    List<String> values = new ArrayList<>(List.of(svc.name(), svc.image().reference()));
                    values.addAll(svc.ports());
                    values.addAll(svc.volumes());
                    values.addAll(svc.environment().keySet());
                    values.addAll(svc.environment().values());
                    if (svc.command() != null) {
                        values.addAll(svc.command().words());
                    }
                    for (String val : values) {
                        if (!CLEAN.matcher(val).matches() || val.contains("$")) {
                            fail(where + "\naccepted a value that is not printable ASCII without $: " + Diagnostic.escape(val));
                        }
                    }
                }
            }
        }
        System.out.printf("InputFuzzTest compose files: %d cases, %d accepted%n", cases, accepted);
        assertTrue(accepted > cases / 40, "too few mutants are valid: " + accepted);
    }

    private static void assertClean(Profile p, String where) {
        List<String> values = new ArrayList<>(List.of(p.board().name(), p.storage().table(), p.ota().client(),
                p.ota().compatible(), p.ota().signingKey(), p.ota().signingCert()));
        if (p.board().description() != null) {
            values.add(p.board().description());
        }
        values.addAll(p.overlays().persistent());
        values.addAll(p.overlays().volatileDirs());
        values.addAll(p.containers().registries());
        for (String v : values) {
            if (!CLEAN.matcher(v).matches()) {
                fail(where + "\naccepted a value that is not printable ASCII: " + Diagnostic.escape(v));
            }
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
