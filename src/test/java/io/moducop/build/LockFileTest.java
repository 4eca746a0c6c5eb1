package io.moducop.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.UserError;
import io.moducop.machine.MachineConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {

    static final String C1 = "1d54d1c4736a114e1cecbe85a0306e3814d5ce70";

    @TempDir
    Path tmp;

    @Test
    void lockFileSitsNextToTheProfile() {
        assertEquals(Path.of("profiles/qemuarm64.lock.yaml"), LockFile.pathFor(Path.of("profiles/qemuarm64.yaml")));
    }

    @Test
    void writtenLockFileReadsBackAndIsDeterministic() {
        LockFile lock = new LockFile("x.lock.yaml", List.of(
                new LockFile.Entry("poky", "https://git.yoctoproject.org/poky", "scarthgap", C1)));
        Path f = tmp.resolve("x.lock.yaml");
        assertTrue(LockFileIO.write(f, "x.yaml", lock));
        assertEquals(false, LockFileIO.write(f, "x.yaml", lock), "same content: not rewritten");
        LockFile back = LockFileIO.read(f);
        assertEquals(C1, back.repos().get(0).commit());
        assertEquals(LockFileIO.format("x.yaml", lock), LockFileIO.format("x.yaml", back));
    }

    @Test
    void injectionInACommitIsAnErrorWithLineAndColumn() {
        String text = GitRepos.lockYaml("poky", "https://git.yoctoproject.org/poky", "scarthgap", "\"$(reboot)\"");
        UserError e = assertThrows(UserError.class, () -> LockFileIO.parse("q.lock.yaml", text));
        assertEquals(2, e.exitCode());
        String msg = e.diagnostics().get(0).format();
        assertTrue(msg.startsWith("q.lock.yaml:6:13: "), msg);
    }

    @Test
    void urlWithShellCharactersIsRejected() {
        String text = GitRepos.lockYaml("poky", "https://x.org/poky;reboot", "scarthgap", C1);
        UserError e = assertThrows(UserError.class, () -> LockFileIO.parse("q.lock.yaml", text));
        assertTrue(e.diagnostics().get(0).format().startsWith("q.lock.yaml:4:10: "), e.diagnostics().get(0).format());
    }

    @Test
    void missingLockFileIsExitSixWithAHint() {
        UserError e = assertThrows(UserError.class, () -> LockFileIO.read(tmp.resolve("none.lock.yaml")));
        assertEquals(BuildExit.LOCK_STALE, e.exitCode());
        assertTrue(e.diagnostics().get(0).hint().contains("moducop lock"));
    }

    @Test
    void lockForAnotherBranchOrMissingRepoIsStale() {
        var layers = MachineConfigs.load("qemuarm64").layers();
        LockFile lock = LockFileIO.parse("q.lock.yaml", GitRepos.lockYaml(
                "poky", "https://git.yoctoproject.org/poky", "kirkstone", C1,
                "meta-openembedded", "https://git.openembedded.org/meta-openembedded", "scarthgap", C1));
        UserError e = assertThrows(UserError.class, () -> lock.checkCovers(layers));
        assertEquals(BuildExit.LOCK_STALE, e.exitCode());
        String all = e.diagnostics().stream().map(d -> d.format()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(all.contains("q.lock.yaml:6:13: lock entry 'poky' pins https://git.yoctoproject.org/poky branch kirkstone"), all);
        assertTrue(all.contains("no entry for layer repository 'meta-virtualization'"), all);
    }

    @Test
    void kasFileAndConfAreDeterministicAndUseContainerPaths() throws Exception {
        var layers = MachineConfigs.load("qemuarm64").layers();
        LockFile lock = LockFileIO.parse("q.lock.yaml", GitRepos.lockYaml(
                "poky", "https://git.yoctoproject.org/poky", "scarthgap", C1,
                "meta-openembedded", "https://git.openembedded.org/meta-openembedded", "scarthgap", C1,
                "meta-virtualization", "https://git.yoctoproject.org/meta-virtualization", "scarthgap", C1));
        String kas = KasFile.render("q.yaml", "moducop-qemuarm64", lock, layers);
        assertEquals(kas, KasFile.render("q.yaml", "moducop-qemuarm64", lock, layers));
        assertTrue(kas.contains("  poky:\n    url: https://git.yoctoproject.org/poky\n    branch: scarthgap\n    commit: " + C1
                + "\n    layers:\n      meta:\n      meta-poky:\n"), kas);
        assertTrue(kas.contains("  moducop:\n    path: layers\n"), kas);
        String bbl = BuildConfig.bblayersConf("q.yaml", layers);
        assertTrue(bbl.contains("  /moducop/work/sources/meta-virtualization \\\n"), bbl);
        assertTrue(bbl.contains("  /moducop/work/layers/meta-moducop-distro \\\n"), bbl);
        String local = BuildConfig.localConf("q.yaml", "moducop-qemuarm64",
                new BuildSettings("https://sstate.example.com/scarthgap", "hashserv.example.com:8686", 2, true));
        assertTrue(local.contains("DL_DIR = \"/moducop/downloads\"\nSSTATE_DIR = \"/moducop/sstate-cache\"\n"), local);
        assertTrue(local.contains("SSTATE_MIRRORS = \"file://.* https://sstate.example.com/scarthgap/PATH;downloadfilename=PATH\""), local);
        assertTrue(local.contains("BB_HASHSERVE = \"hashserv.example.com:8686\""), local);
        assertTrue(local.contains("BB_NUMBER_THREADS = \"2\"\nPARALLEL_MAKE = \"-j 2\""), local);
        assertTrue(local.contains("BB_NO_NETWORK = \"1\""), local);
        assertThrows(UserError.class, () -> new BuildSettings("https://x\"; reboot", null, 2, false));
        assertThrows(UserError.class, () -> new BuildSettings(null, "${@os.system('x')}", 2, false));
        Files.writeString(tmp.resolve("kas.yml"), kas);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "\"" + C1 + "\\n\"", "\"" + C1 + "\\r\"", "\"" + C1 + "\\u2028\"", C1 + "0", "\"" + C1 + "\\t\""})
    void aCommitMustBeExactlyFortyHexDigits(String commit) {
        String text = GitRepos.lockYaml("poky", "https://git.yoctoproject.org/poky", "scarthgap", commit);
        UserError e = assertThrows(UserError.class, () -> LockFileIO.parse("q.lock.yaml", text));
        assertTrue(e.diagnostics().get(0).format().startsWith("q.lock.yaml:6:13: "), e.diagnostics().get(0).format());
    }

    @Test
    void trailingLineTerminatorsInUrlNameOrBranchAreRefused() {
        String[] texts = {
            GitRepos.lockYaml("\"poky\\n\"", "https://git.yoctoproject.org/poky", "scarthgap", C1),
            GitRepos.lockYaml("poky", "\"https://git.yoctoproject.org/poky\\n\"", "scarthgap", C1),
            GitRepos.lockYaml("poky", "https://git.yoctoproject.org/poky", "\"scarthgap\\n\"", C1),
        };
        for (String text : texts) {
            UserError e = assertThrows(UserError.class, () -> LockFileIO.parse("q.lock.yaml", text), text);
            assertEquals(2, e.exitCode());
        }
    }

    @Test
    void aUrlWithThousandsOfSegmentsIsACleanError() {
        String text = GitRepos.lockYaml("poky", "https://x.org" + "/a".repeat(5000), "scarthgap", C1);
        UserError e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertThrows(UserError.class, () -> LockFileIO.parse("q.lock.yaml", text)));
        assertTrue(e.diagnostics().get(0).message().contains("too long"), e.diagnostics().get(0).format());
    }

    @Test
    void aLockFileThatIsAFifoOrDeviceIsRefusedBeforeReading() throws Exception {
        Path fifo = tmp.resolve("f.lock.yaml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        for (Path p : List.of(fifo, Path.of("/dev/zero"), tmp)) {
            UserError e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                    () -> assertThrows(UserError.class, () -> LockFileIO.read(p)));
            assertEquals(2, e.exitCode(), e.diagnostics().toString());
            assertTrue(e.diagnostics().get(0).message().contains("not a regular file"), e.diagnostics().toString());
        }
    }

    @Test
    void aHugeLockFileIsRefusedWhileReading() throws Exception {
        Path big = tmp.resolve("big.lock.yaml");
        Files.writeString(big, "version: 1\n#" + "x".repeat(2 * 1024 * 1024) + "\nrepos: []\n");
        UserError e = assertThrows(UserError.class, () -> LockFileIO.read(big));
        assertTrue(e.diagnostics().get(0).message().contains("larger than"), e.diagnostics().toString());
    }
}
