package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;

    private Path profile(String name, String yaml) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(dir)) {
            return files;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).startsWith(".moducop")).toList()) {
                files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void badInputExitsTwoWithFileLineColumnAndNoStackTrace() throws IOException {
        Path p = profile("bad.yaml", "board:\n  name: moducop-x\n  base: qemuarm64\nboot: { attempts: 12 }\n");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode());
        assertEquals(p + ":4:19: boot.attempts is 12, must be from 1 to 9", r.err().lines().findFirst().orElseThrow());
        assertTrue(r.err().contains("  hint: "));
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void missingFileIsAUserError() {
        Cli r = Cli.run("validate", tmp.resolve("nope.yaml").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith(tmp.resolve("nope.yaml") + ": no such file"), r.err());
    }

    @Test
    void validateWithoutArgumentsChecksTheBuiltInProfile() {
        Cli r = Cli.run("validate");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("built-in qemuarm64.yaml: ok (MACHINE moducop-qemuarm64 on qemuarm64)\n", r.out());
    }

    @Test
    void everyCommandHasHelpAndVersion() {
        for (String cmd : new String[] {"validate", "generate", "schema"}) {
            assertEquals(0, Cli.run(cmd, "--help").exitCode(), cmd);
            Cli v = Cli.run(cmd, "--version");
            assertEquals(0, v.exitCode(), cmd);
            assertTrue(v.out().startsWith("moducop "), v.out());
        }
    }

    @Test
    void generateIsDeterministicAndLeavesUnchangedFilesAlone() throws IOException {
        Path out = tmp.resolve("layers");
        assertEquals(0, Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml").exitCode());
        Map<String, byte[]> first = snapshot(out);
        Path conf = out.resolve("meta-moducop/conf/layer.conf");
        FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(conf, old);

        Cli again = Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml");
        assertEquals(0, again.exitCode());
        assertTrue(again.out().contains("0 new, 0 changed, 0 removed, " + first.size() + " unchanged"), again.out());
        assertEquals(old, Files.getLastModifiedTime(conf), "an unchanged file must not be rewritten");
        Map<String, byte[]> second = snapshot(out);
        assertEquals(first.keySet(), second.keySet());
        first.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, second.get(k)), k));
    }

    @Test
    void outputNamesNoHostPathsAndNoTimestamps() throws IOException {
        Path out = tmp.resolve("layers");
        Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml", "profiles/raspberrypi4-64.yaml");
        for (Map.Entry<String, byte[]> e : snapshot(out).entrySet()) {
            String text = new String(e.getValue(), java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(text.contains(tmp.toString()), e.getKey());
            assertFalse(text.contains(System.getProperty("user.dir")), e.getKey());
            assertFalse(text.matches("(?s).*20[0-9][0-9]-[01][0-9]-[0-3][0-9].*"), e.getKey() + " has a date");
        }
    }

    @Test
    void aFailedRunLeavesTheEarlierOutputExactlyAsItWas() throws IOException {
        Path out = tmp.resolve("layers");
        assertEquals(0, Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml").exitCode());
        Map<String, byte[]> before = snapshot(out);
        Path bad = profile("rpi.yaml", "board: { name: moducop-rpi4, base: raspberrypi4-64 }\n"); // gpt: refused
        Cli r = Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml", bad.toString());
        assertEquals(2, r.exitCode());
        Map<String, byte[]> after = snapshot(out);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, after.get(k)), k));
    }

    @Test
    void checkListsStaleFilesWritesNothingAndExitsOne() throws IOException {
        Path out = tmp.resolve("layers");
        assertEquals(1, Cli.run("generate", "--check", "-o", out.toString()).exitCode());
        assertFalse(Files.exists(out), "--check must not write");
        assertEquals(0, Cli.run("generate", "-o", out.toString()).exitCode());
        assertEquals(0, Cli.run("generate", "--check", "-o", out.toString()).exitCode());

        Path machine = out.resolve("meta-moducop/conf/machine/moducop-qemuarm64.conf");
        Files.writeString(machine, "# hand edit\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(out.resolve("meta-moducop/conf/leftover.conf"), "x\n");
        Cli r = Cli.run("generate", "--check", "-o", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("stale:   " + machine), r.out());
        assertTrue(r.out().contains("foreign: " + out.resolve("meta-moducop/conf/leftover.conf")), r.out());

        Cli w = Cli.run("generate", "-o", out.toString());
        assertEquals(0, w.exitCode());
        assertTrue(w.err().contains("left alone (not generated by moducop): " + out.resolve("meta-moducop/conf/leftover.conf")), w.err());
        assertEquals("x\n", Files.readString(out.resolve("meta-moducop/conf/leftover.conf")), "a file moducop did not write is kept");
        assertFalse(Files.readString(machine).contains("hand edit"));
    }

    @Test
    void onlyFilesModucopGeneratedAreRemoved() throws IOException {
        Path out = tmp.resolve("layers");
        assertEquals(0, Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml", "profiles/raspberrypi4-64.yaml").exitCode());
        Path git = out.resolve("meta-moducop/.git/HEAD");
        Files.createDirectories(git.getParent());
        Files.writeString(git, "ref: refs/heads/main\n");
        Path mine = out.resolve("meta-moducop/recipes-bsp/moducop-boot/files/moducop-rpi4/notes.txt");
        Files.writeString(mine, "mine\n");

        Cli r = Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(out.resolve("meta-moducop/conf/machine/moducop-rpi4.conf")), "the dropped board's files go");
        assertFalse(Files.exists(out.resolve("meta-moducop/recipes-bsp/moducop-boot/files/moducop-rpi4/boot.cmd")));
        assertTrue(Files.exists(git), "a user's .git stays");
        assertTrue(Files.exists(mine), "a user's file stays, and so does its directory");
        assertTrue(r.err().contains(mine.toString()), r.err());
    }

    @Test
    void anEmptyOrUnsafeOutputDirectoryIsRefused() throws IOException {
        Cli empty = Cli.run("generate", "-o", "");
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("the output directory is empty"), empty.err());
        Cli root = Cli.run("generate", "-o", "/");
        assertEquals(2, root.exitCode());
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Cli notDir = Cli.run("generate", "-o", file.toString());
        assertEquals(2, notDir.exitCode());
        assertEquals("x", Files.readString(file));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.createSymbolicLink(out.resolve("meta-moducop"), Files.createDirectories(tmp.resolve("elsewhere")));
        Cli link = Cli.run("generate", "-o", out.toString());
        assertEquals(2, link.exitCode());
        assertTrue(link.err().contains("symbolic link"), link.err());
        assertFalse(link.err().contains("Exception"), link.err());
    }

    @Test
    void anIoFailureIsOneLineNamingThePathExitOne() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("io"));
        assertEquals(0, Cli.run("generate", "-o", out.toString()).exitCode());
        Path dir = out.resolve("meta-moducop/recipes-bsp/moducop-boot/files");
        Files.writeString(dir.resolve("moducop-qemuarm64/boot.cmd"), "changed\n");
        Path blocker = dir.resolve("moducop-qemuarm64");
        Files.walk(blocker).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.writeString(blocker, "a file where a directory belongs\n");

        Cli r = Cli.run("generate", "-o", out.toString());
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(blocker.toAbsolutePath() + ": cannot write the layers: "), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(Files.exists(out.resolve("meta-moducop/conf/layer.conf")), "a half-updated layer is not a layer");

        Files.delete(blocker);
        assertEquals(0, Cli.run("generate", "-o", out.toString()).exitCode(), "the next run completes the update");
        assertEquals(0, Cli.run("generate", "--check", "-o", out.toString()).exitCode());
    }

    @Test
    void severalProfilesMustAgreeOnWhatTheDistroLayerHolds() throws IOException {
        Path other = profile("other.yaml", "board: { name: moducop-other, base: qemuarm64 }\nboot: { attempts: 5 }\n");
        Cli r = Cli.run("generate", "-o", tmp.resolve("o").toString(), "profiles/qemuarm64.yaml", other.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("profiles/qemuarm64.yaml: boot.attempts differs from " + other), r.err());

        Path same = profile("same.yaml", "board: { name: moducop-qemuarm64, base: qemuarm64 }\nstorage: { size: 4GiB }\n");
        Cli dup = Cli.run("generate", "-o", tmp.resolve("o").toString(), "profiles/qemuarm64.yaml", same.toString());
        assertEquals(2, dup.exitCode());
        assertTrue(dup.err().startsWith("profiles/qemuarm64.yaml: board.name 'moducop-qemuarm64' is also used by " + same), dup.err());
    }

    @Test
    void severalBoardsGiveOneMachineConfEach() throws IOException {
        Path out = tmp.resolve("layers");
        assertEquals(0, Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml",
                "profiles/beaglebone-yocto.yaml", "profiles/raspberrypi4-64.yaml").exitCode());
        try (Stream<Path> s = Files.list(out.resolve("meta-moducop/conf/machine"))) {
            assertEquals(3, s.count());
        }
    }

    @Test
    void addingBoardsOrRenamingAProfileChangesNoByteAnotherBoardsBuildReads() throws IOException {
        Path alone = tmp.resolve("alone");
        Path all = tmp.resolve("all");
        Path renamed = profile("renamed-profile.yaml", Files.readString(Path.of("profiles/qemuarm64.yaml")));
        assertEquals(0, Cli.run("generate", "-o", alone.toString(), renamed.toString()).exitCode());
        assertEquals(0, Cli.run("generate", "-o", all.toString(), "profiles/raspberrypi4-64.yaml",
                "profiles/qemuarm64.yaml", "profiles/beaglebone-yocto.yaml").exitCode());
        for (Path f : generated(alone)) {
            String name = alone.relativize(f).toString();
            if (name.equals("meta-moducop/README")) {
                continue; // lists the layer's machines; no build reads it
            }
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(all.resolve(name)), name);
        }
        assertTrue(Files.readString(all.resolve("meta-moducop/README")).contains("moducop-beaglebone"));
    }

    private static List<Path> generated(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !dir.relativize(p).toString().startsWith(".")).toList();
        }
    }

    @Test
    void lockFilesBesideTheProfilesArePassedOverSoGlobsWork() {
        Cli r = Cli.run("validate", "profiles/qemuarm64.yaml", "profiles/qemuarm64.lock.yaml");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("profiles/qemuarm64.yaml: ok (MACHINE moducop-qemuarm64 on qemuarm64)\n", r.out());
        Cli only = Cli.run("validate", "profiles/qemuarm64.lock.yaml");
        assertEquals(2, only.exitCode());
        assertTrue(only.err().contains("a lock file is not a profile"), only.err());
    }
}
