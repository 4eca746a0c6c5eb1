package io.moducop.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.moducop.Cli;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two profiles in different directories, each with the same compose file beside it, have the same
 * application, so they share one distro layer: the compose file's path (which names the profile's
 * directory) is for messages only.
 */
class SharedComposeFileTest {

    @TempDir
    Path tmp;

    @Test
    void theSameComposeFileBesideTwoProfilesIsOneApplication() throws IOException {
        Path a = profile("a/board.yaml", "moducop-a", "apps/web/compose.yaml");
        Path b = profile("b/board.yaml", "moducop-b", "web/compose.yaml");
        App appA = ProfileLoader.load(a).apps().get(0);
        App appB = ProfileLoader.load(b).apps().get(0);
        assertNotEquals(appA.composeSource(), appB.composeSource());
        assertEquals(appA, appB);
        assertEquals(appA.hashCode(), appB.hashCode());

        Cli g = Cli.run("generate", "-o", tmp.resolve("out").toString(), a.toString(), b.toString());

        assertEquals(0, g.exitCode(), g.out() + g.err());
    }

    private Path profile(String name, String board, String composePath) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.resolveSibling(composePath).getParent());
        Files.copy(Path.of("examples/web-app/apps/web/compose.yaml"), p.resolveSibling(composePath));
        Files.writeString(p, "board:\n  name: " + board + "\n  base: qemuarm64\napps:\n  - name: web\n    compose: " + composePath + "\n");
        return p;
    }
}
