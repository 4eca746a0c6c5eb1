package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A killed run's stage directory holding links (planted: the output directory may be the checkout's) is removed without following them. */
class StageLinkTest {

    @TempDir
    Path tmp;

    @Test
    void linksInALeftOverStageAreRemovedNotFollowed() throws IOException {
        Path out = tmp.resolve("out");
        String[] generate = {"generate", "-o", out.toString(), "profiles/qemuarm64.yaml"};
        assertEquals(0, Cli.run(generate).exitCode());
        Path victim = tmp.resolve("victim");
        Files.createDirectories(victim.resolve("sub"));
        Files.writeString(victim.resolve("sub/file"), "victim\n");
        Map<String, String> before = PlantedStateTest.tree(victim, false);
        Path stage = out.resolve(OutputTree.STATE).resolve("stage-0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
        Files.createDirectories(stage.resolve("files"));
        Files.createSymbolicLink(stage.resolve("files/dir"), victim);
        Files.createSymbolicLink(stage.resolve("files/file"), victim.resolve("sub/file"));
        Files.writeString(out.resolve(OutputTree.STATE).resolve("journal"), "stage " + stage.getFileName() + "\n");

        Cli r = Cli.run(generate);

        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertFalse(Files.exists(stage, LinkOption.NOFOLLOW_LINKS), "the stage is gone");
        assertEquals(before, PlantedStateTest.tree(victim, false), "what the links named is untouched");
    }
}
