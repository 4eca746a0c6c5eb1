package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate as separate JVMs, as CI and users run it: two runs at once into one directory, and
 * runs killed with SIGKILL at random moments. Afterwards the layers are the complete old or the
 * complete new set, or (killed after the commit point) carry no conf/layer.conf, so bitbake
 * refuses them, until the next run completes the update.
 */
class OutputTreeProcessTest {

    @TempDir
    static Path tmp;

    private static List<String> small;
    private static List<String> large;
    private static Map<String, String> smallTree;
    private static Map<String, String> largeTree;

    @BeforeAll
    static void inputs() throws IOException, InterruptedException {
        small = List.of("profiles/qemuarm64.yaml");
        large = new ArrayList<>(List.of("profiles/qemuarm64.yaml", "profiles/raspberrypi4-64.yaml"));
        String base = Files.readString(Path.of("profiles/qemuarm64.yaml"));
        for (int i = 0; i < 40; i++) {
            Path p = tmp.resolve("boards/b" + i + ".yaml");
            Files.createDirectories(p.getParent());
            Files.writeString(p, base.replace("name: moducop-qemuarm64", "name: moducop-b" + i));
            large.add(p.toString());
        }
        smallTree = expected(small);
        largeTree = expected(large);
    }

    @Test
    void twoRunsAtOnceLeaveOneCompleteResult() throws Exception {
        Path out = tmp.resolve("concurrent");
        for (int round = 0; round < 6; round++) {
            Process a = start(out, round % 2 == 0 ? small : large);
            Process b = start(out, round % 2 == 0 ? large : small);
            assertEquals(0, finish(a), "first run");
            assertEquals(0, finish(b), "second run");
            Map<String, String> now = snapshot(out);
            assertTrue(now.equals(smallTree) || now.equals(largeTree), "round " + round + ": a mix of two runs");
            try (Stream<Path> s = Files.list(out.resolve(OutputTree.STATE))) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("stage-")), "no staged leftovers");
            }
        }
    }

    @Test
    void aKillAtAnyMomentLeavesOldOrNewOrARefusedLayer() throws Exception {
        long seed = Long.getLong("moducop.seed", System.nanoTime());
        System.out.println("OutputTreeProcessTest seed " + seed);
        Random random = new Random(seed);
        Path out = tmp.resolve("killed");
        assertEquals(0, finish(start(out, small)));
        long full = timed(out, large);
        timed(out, small);
        int pending = 0;
        Map<String, String> before = smallTree;
        for (int i = 0; i < 12; i++) {
            List<String> next = i % 2 == 0 ? large : small;
            Map<String, String> after = i % 2 == 0 ? largeTree : smallTree;
            Process p = start(out, next);
            Thread.sleep((long) (full * (0.5 + random.nextDouble() * 0.6)));
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            Map<String, String> now = snapshot(out);
            boolean refused = !now.containsKey("meta-moducop/conf/layer.conf") || !now.containsKey("meta-moducop-distro/conf/layer.conf");
            assertTrue(now.equals(before) || now.equals(after) || refused, "seed " + seed + " kill " + i + ": a mix bitbake would read");
            if (refused) {
                pending++;
            }
            assertEquals(0, finish(start(out, next)), "the next run recovers");
            assertEquals(after, snapshot(out), "seed " + seed + " kill " + i);
            before = after;
        }
        System.out.println("OutputTreeProcessTest: 12 kills, " + pending + " while files moved (layers refused until the next run)");
    }

    private static long timed(Path out, List<String> profiles) throws Exception {
        long t0 = System.nanoTime();
        assertEquals(0, finish(start(out, profiles)));
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static Map<String, String> expected(List<String> profiles) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(tmp, "expected");
        assertEquals(0, finish(start(dir, profiles)));
        return snapshot(dir);
    }

    private static Process start(Path out, List<String> profiles) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.moducop.cli.Moducop", "generate", "-o", out.toString()));
        cmd.addAll(profiles);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    private static int finish(Process p) throws InterruptedException {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "generate hung");
        return p.exitValue();
    }

    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith(OutputTree.STATE)).toList()) {
                files.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        return files;
    }
}
