package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The editor's schema reference in a written lock file names the schema relative to the lock file, or is left out. */
class LockSchemaReferenceTest {

    @TempDir
    Path tmp;

    private String written(Path lock) throws Exception {
        Files.createDirectories(lock.getParent());
        LockFileIO.write(lock, "moducop-t", new LockFile(lock.getFileName().toString(), List.of(
                new LockFile.Entry("poky", "https://git.example.com/poky", "scarthgap", "1234567890123456789012345678901234567890"))));
        return Files.readString(lock);
    }

    @Test
    void lockInASubdirectoryOfProfilesNamesTheSchemaOneLevelUp() throws Exception {
        Files.createDirectories(tmp.resolve("profiles"));
        Files.writeString(tmp.resolve("profiles/lock.schema.json"), "{}");

        assertTrue(written(tmp.resolve("profiles/scarthgap/b.lock.yaml")).startsWith(
                "# yaml-language-server: $schema=../lock.schema.json\n"));
        assertTrue(written(tmp.resolve("profiles/b.lock.yaml")).startsWith("# yaml-language-server: $schema=lock.schema.json\n"));
        assertTrue(written(tmp.resolve("examples/b.lock.yaml")).startsWith(
                "# yaml-language-server: $schema=../profiles/lock.schema.json\n"));
    }

    @Test
    void withoutASchemaNearbyNoReferenceIsWritten() throws Exception {
        String text = written(tmp.resolve("mine/b.lock.yaml"));
        assertFalse(text.contains("$schema"), text);
        assertTrue(text.startsWith("# Written by `moducop lock` for moducop-t"), text);
    }
}
