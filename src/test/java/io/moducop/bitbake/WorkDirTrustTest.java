package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's work directory is in a checkout a merge request controls, and CI runs the build as
 * root: the lock file is never written through a link, and only what moducop made changes owner.
 * No container needed; the ownership tests need root (as in CI) and are skipped otherwise.
 */
class WorkDirTrustTest {

    private static final BuildUser BUILD_USER = new BuildUser(1000, 1000);

    @TempDir
    Path tmp;

    @Test
    void lockFileThatIsASymbolicLinkIsRefusedAndItsTargetUntouched() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path victim = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.createSymbolicLink(work.resolve(BuildDirLock.FILE), victim);

        UserError e = assertThrows(UserError.class, () -> BuildDirLock.acquire(work).close());
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("the build lock is not a plain file of its own"), e.getMessage());
        assertEquals("root:x:0:0:root:/root:/bin/sh\n", Files.readString(victim));
    }

    @Test
    void lockFileWithASecondHardLinkIsRefusedAndTheOtherNameUntouched() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path victim = Files.writeString(tmp.resolve("shadow"), "root:*:19000:0:99999:7:::\n");
        Files.createLink(work.resolve(BuildDirLock.FILE), victim);

        UserError e = assertThrows(UserError.class, () -> BuildDirLock.acquire(work).close());
        assertTrue(e.getMessage().contains("not a plain file"), e.getMessage());
        assertEquals("root:*:19000:0:99999:7:::\n", Files.readString(victim));
    }

    @Test
    void lockFileThatIsADirectoryIsBadInputAndAWorkPathUnderAFileAnIoFailure() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.createDirectories(work.resolve(BuildDirLock.FILE));
        assertEquals(ExitCode.BAD_INPUT, assertThrows(UserError.class, () -> BuildDirLock.acquire(work).close()).exitCode());

        Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
        IoFailure f = assertThrows(IoFailure.class, () -> BuildDirLock.acquire(notADirectory.resolve("w")).close());
        assertTrue(f.path().startsWith(notADirectory.toString()), f.path());
        assertFalse(f.format().contains("\n"), f.format());
    }

    @Test
    void ownLockFileIsReusedByTheNextBuild() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        BuildDirLock.acquire(work).close();
        BuildDirLock.acquire(work).close();
        assertEquals("pid " + ProcessHandle.current().pid() + "\n", Files.readString(work.resolve(BuildDirLock.FILE)));
    }

    @Test
    void existingSharedWorkDirectoryKeepsItsOwnerAndModeWhenTheBuildStopsEarly() throws Exception {
        requireRoot();
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777); // like /tmp: root's, anybody may write
        BuildLayout l = BuildLayout.of(shared, null, null, null);
        HandOver owned = new HandOver(BUILD_USER, l.work());

        owned.requireWritable(); // the build user may write into it
        try (BuildDirLock lock = BuildRun.lockWork(l, owned)) {
            // the build stops here, e.g. a repository cannot be fetched
        }
        assertEquals(0, uid(shared));
        assertEquals(0, (Integer) Files.getAttribute(shared, "unix:gid"));
        assertEquals(01777, (Integer) Files.getAttribute(shared, "unix:mode") & 07777);
        assertEquals(0, uid(shared.resolve(BuildDirLock.FILE)), "written straight into a directory moducop did not make");
    }

    @Test
    void workDirectoryModucopCreatesIsTheBuildUsersButNotTheParentsItCreatedOnTheWay() throws Exception {
        requireRoot();
        BuildLayout l = BuildLayout.of(tmp.resolve("build/moducop"), null, null, null);
        HandOver owned = new HandOver(BUILD_USER, l.work());
        owned.requireWritable();
        try (BuildDirLock lock = BuildRun.lockWork(l, owned)) {
            BuildRun.writeFiles(l.work(), new TreeMap<>(java.util.Map.of("build/conf/local.conf", new byte[] {'#'},
                    "kas.yml", new byte[] {'#'})), owned);
        }
        assertEquals(1000, uid(l.work()));
        assertEquals(1000, (Integer) Files.getAttribute(l.work(), "unix:gid"));
        assertEquals(1000, uid(l.work().resolve(BuildDirLock.FILE)));
        assertEquals(1000, uid(l.work().resolve("build/conf/local.conf")));
        assertEquals(1000, uid(l.work().resolve("build")));
        assertEquals(1000, uid(l.work().resolve("kas.yml")));
        assertEquals(0, uid(tmp.resolve("build")));

        // the next run: the tree is the build user's already; what it writes now is handed over too
        HandOver next = new HandOver(BUILD_USER, l.work());
        try (BuildDirLock lock = BuildRun.lockWork(l, next)) {
            BuildRun.writeFiles(l.work(), new TreeMap<>(java.util.Map.of("build/conf/bblayers.conf", new byte[] {'#'})), next);
        }
        assertEquals(1000, uid(l.work().resolve("build/conf/bblayers.conf")));
    }

    @Test
    void existingWorkDirectoryTheBuildUserCannotWriteIsRefusedBeforeAnythingIsWritten() throws Exception {
        requireRoot();
        Path work = Files.createDirectories(tmp.resolve("w"));
        Files.setAttribute(work, "unix:mode", 0755);
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n");
        String c = "0123456789abcdef0123456789abcdef01234567";
        Files.writeString(tmp.resolve("board.lock.yaml"), GitRepos.lockYaml(
                "poky", "https://git.yoctoproject.org/poky", "scarthgap", c,
                "meta-openembedded", "https://git.openembedded.org/meta-openembedded", "scarthgap", c,
                "meta-virtualization", "https://git.yoctoproject.org/meta-virtualization", "scarthgap", c));
        // a separate JVM without a container engine: the refusal comes before the engine is asked
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.moducop.cli.Moducop",
                "build", "--dry-run", "--work", work.toString(), "--min-free-gib", "1", profile.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + tmp.resolve("no-engine.sock"));
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        pb.environment().put("HOME", tmp.toString());
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS));
        assertEquals(ExitCode.BAD_INPUT, proc.exitValue(), out);
        assertTrue(out.contains(work + ": the build user 1000:1000 cannot write into this existing directory (owner 0:0, mode 0755)"),
                out);
        assertTrue(out.contains("hint: use a new --work directory"), out);
        assertEquals(List.of(), List.of(work.toFile().list()));
        assertEquals(0, uid(work));
    }

    @Test
    void handOverWalkFollowsNoLinkAndLeavesHardLinkedFilesAlone() throws Exception {
        requireRoot();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret"), "s");
        Path other = Files.writeString(tmp.resolve("other"), "o");
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, null);
        HandOver owned = new HandOver(BUILD_USER, l.work());
        try (BuildDirLock lock = BuildRun.lockWork(l, owned)) {
            owned.createDirectories(l.layers().resolve("meta-moducop"));
            Path mine = Files.writeString(l.layers().resolve("meta-moducop/x.bb"), "#");
            Path dirLink = Files.createSymbolicLink(l.layers().resolve("meta-moducop/dir-link"), outside);
            Path fileLink = Files.createSymbolicLink(l.layers().resolve("file-link"), secret);
            Path hardLink = Files.createLink(l.layers().resolve("hard-link"), other);
            owned.handOver(l.layers());

            assertEquals(1000, uid(l.layers()));
            assertEquals(1000, uid(mine));
            assertEquals(1000, uid(dirLink), "the link itself");
            assertEquals(1000, uid(fileLink), "the link itself");
            assertEquals(0, uid(hardLink));
        }
        assertEquals(0, uid(outside));
        assertEquals(0, uid(secret));
        assertEquals(0, uid(other));
    }

    @Test
    void symbolicLinkToADirectoryInsideTheWorkTreeIsNeitherWrittenThroughNorHandedOver() throws Exception {
        requireRoot();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, null);
        HandOver owned = new HandOver(BUILD_USER, l.work());
        try (BuildDirLock lock = BuildRun.lockWork(l, owned)) {
            Files.createSymbolicLink(l.buildDir(), outside);
            UserError e = assertThrows(UserError.class, () -> BuildRun.writeFiles(l.work(),
                    new TreeMap<>(java.util.Map.of("build/conf/local.conf", new byte[] {'#'})), owned));
            assertTrue(e.getMessage().contains("is a symbolic link inside the work directory"), e.getMessage());
        }
        assertEquals(List.of(), List.of(outside.toFile().list()));
        assertEquals(0, uid(outside));
    }

    private static void requireRoot() {
        Assumptions.assumeTrue(BuildUser.process().uid() == 0,
                "SKIPPED: ownership hand-over happens only when moducop runs as root (as in CI)");
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
