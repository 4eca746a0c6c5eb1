package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.moducop.IoFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildUserTest {

    @TempDir
    Path tmp;

    @Test
    void unreadableProcSelfIsAnIoFailureNamingIt() {
        Path missing = tmp.resolve("proc/self");
        IoFailure e = assertThrows(IoFailure.class, () -> BuildUser.ownerOf(missing));
        assertEquals(missing + ": cannot tell the current uid: no such file or directory", e.format());
    }
}
