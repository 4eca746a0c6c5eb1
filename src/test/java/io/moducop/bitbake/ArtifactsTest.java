package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.machine.Release;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The artifacts directory may be the user's (--artifacts DIR) or the checkout's: moducop replaces
 * and removes only what its previous manifest.json lists, and reads that manifest as untrusted.
 */
class ArtifactsTest {

    static final String BASE = "moducop-image-moducop-t.rootfs";
    static final LockFile LOCK = new LockFile("board.lock.yaml", List.of());

    @TempDir
    Path tmp;

    private BuildLayout deploy(String image, boolean bundle) throws Exception {
        BuildLayout l = BuildLayout.of(tmp.resolve("work"), null, null, tmp.resolve("out"));
        Path d = Files.createDirectories(l.deployImages("moducop-t"));
        Files.writeString(d.resolve(BASE + ".wic"), image);
        Files.writeString(d.resolve(BASE + ".wic.bmap"), "bmap of " + image);
        Files.writeString(d.resolve(BASE + Release.SCARTHGAP.sbomSuffix()), "sbom");
        Path raucb = d.resolve(BuildConfig.BUNDLE + "-moducop-t.raucb");
        if (bundle) {
            Files.writeString(raucb, "bundle");
        } else {
            Files.deleteIfExists(raucb);
        }
        return l;
    }

    private static Artifacts.Manifest collect(BuildLayout l, boolean bundle) {
        return Artifacts.collect(l.deployImages("moducop-t"), l.buildDir(), l.artifacts(), Release.SCARTHGAP, "moducop-t", LOCK, bundle);
    }

    @Test
    void theUsersFilesInTheArtifactsDirectorySurviveTwoBuilds() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve("old-images"));

        collect(deploy("one", true), true);
        String raucb = BuildConfig.BUNDLE + "-moducop-t.raucb";
        assertTrue(Files.exists(out.resolve(raucb)));
        collect(deploy("two", false), false);

        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
        assertTrue(Files.isDirectory(out.resolve("old-images")));
        assertEquals("two", Files.readString(out.resolve(BASE + ".wic")));
        assertFalse(Files.exists(out.resolve(raucb)), "listed by the previous manifest, not made by this build");
        assertFalse(Files.exists(out.resolve(Artifacts.STAGING)));
        assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"" + BASE + ".wic\""));
    }

    @Test
    void aFileUnderAnArtifactsNameThatNoManifestListsIsNotOverwritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve(BASE + ".wic"), "the user's own image");

        UserError e = assertThrows(UserError.class, () -> collect(deploy("one", false), false));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals("the user's own image", Files.readString(out.resolve(BASE + ".wic")));
    }

    @Test
    void aPlantedManifestNamingFilesOutsideDeletesNothing() throws Exception {
        Path precious = Files.writeString(tmp.resolve("x"), "precious");
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (String name : List.of("../x", "/etc/passwd", "sub/../../x", ".", "..", "manifest.json")) {
            Files.writeString(out.resolve("manifest.json"), "{\"files\": [{\"name\": \"" + name + "\"}]}");

            UserError e = assertThrows(UserError.class, () -> collect(deploy("one", false), false), name);
            assertEquals(ExitCode.BAD_INPUT, e.exitCode());
            assertTrue(e.getMessage().contains("not a plain file name"), e.getMessage());
            assertEquals("precious", Files.readString(precious));
            assertTrue(Files.exists(out.resolve("manifest.json")));
        }
        Files.writeString(out.resolve("manifest.json"), "not json");
        assertThrows(UserError.class, () -> collect(deploy("one", false), false));
        assertEquals("precious", Files.readString(precious));
    }

    @Test
    void anArtifactsDirectoryThatIsALinkIsNotWrittenThrough() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("keep"), "keep");
        Files.createSymbolicLink(tmp.resolve("out"), elsewhere);

        assertThrows(UserError.class, () -> collect(deploy("one", false), false));
        assertEquals(List.of(elsewhere.resolve("keep")), Files.list(elsewhere).toList());
    }
}
