package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths are printed escaped like messages: a file name cannot recolour or rewrite the terminal. */
class PrintedPathsTest {

    private static final String HOSTILE = "x\u001b[31m\u202e";
    private static final String SHOWN = "x\\u001b[31m\\u202e";

    @TempDir
    Path tmp;

    @Test
    void generateSummaryCheckAndNoticesShowTheOutputPathEscaped() throws Exception {
        Path out = tmp.resolve(HOSTILE);
        Cli r = Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith(tmp + "/" + SHOWN + ": "), r.out());
        assertClean(r);

        Files.writeString(out.resolve("meta-moducop/" + HOSTILE + ".bb"), "# mine\n");
        Cli again = Cli.run("generate", "-o", out.toString(), "profiles/qemuarm64.yaml");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains(tmp + "/" + SHOWN + "/meta-moducop/" + SHOWN + ".bb"), again.err());
        assertClean(again);

        Files.delete(out.resolve("meta-moducop/conf/layer.conf"));
        Cli check = Cli.run("generate", "--check", "-o", out.toString(), "profiles/qemuarm64.yaml");
        assertEquals(1, check.exitCode(), check.out());
        assertTrue(check.out().contains("missing: " + tmp + "/" + SHOWN + "/meta-moducop/conf/layer.conf"), check.out());
        assertTrue(check.out().contains("foreign: " + tmp + "/" + SHOWN + "/meta-moducop/" + SHOWN + ".bb"), check.out());
        assertClean(check);
    }

    @Test
    void lockShowsTheLockFileEscaped() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        for (String repo : new String[] {"poky", "meta-openembedded", "meta-virtualization"}) {
            try (Git git = Git.init().setDirectory(mirror.resolve(repo).toFile()).setInitialBranch("scarthgap").call()) {
                Files.writeString(mirror.resolve(repo).resolve("README"), repo + "\n");
                git.add().addFilepattern("README").call();
                git.commit().setMessage("initial").setAuthor("Test", "test@example.com")
                        .setCommitter("Test", "test@example.com").setSign(false).call();
            }
        }
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n");
        Path lock = tmp.resolve(HOSTILE + ".lock.yaml");
        Cli r = Cli.run("lock", "--mirror", mirror.toString(), "--lock", lock.toString(), profile.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("wrote " + tmp + "/" + SHOWN + ".lock.yaml"), r.out());
        assertClean(r);
    }

    private static void assertClean(Cli r) {
        for (String s : new String[] {r.out(), r.err()}) {
            assertFalse(s.contains("\u001b") || s.contains("\u202e"), s);
        }
    }
}
