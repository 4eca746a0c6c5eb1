package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's work directory is in a checkout a merge request controls, and CI runs the build as
 * root: the lock file is never written through a link. No container needed.
 */
class WorkDirTrustTest {

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
}
