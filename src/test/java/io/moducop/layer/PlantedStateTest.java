package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state under {@code OUTPUT/.moducop/} as a merge request can plant it (the default output
 * directory is inside the checkout): journals, manifests, stage directories and lock files that
 * point outside the output directory or through symbolic links. Each is refused with exit 2
 * before anything is done, and the victim files beside the output directory stay as they were.
 */
class PlantedStateTest {

    private static final String PROFILE = "profiles/qemuarm64.yaml";
    private static final String STAGE = "stage-0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";

    @TempDir
    Path tmp;

    private Path out;
    private Path state;
    private Path victim;
    private Map<String, String> layers;

    @BeforeEach
    void generated() throws IOException {
        out = tmp.resolve("out");
        state = out.resolve(".moducop");
        victim = tmp.resolve("victim");
        Files.createDirectories(victim.resolve("sub"));
        Files.writeString(victim.resolve("file"), "victim\n");
        Files.writeString(victim.resolve("sub/layer.conf"), "victim conf\n");
        Files.writeString(victim.resolve("layer.conf"), "victim conf\n");
        Files.createDirectories(victim.resolve("files/meta-moducop"));
        Files.writeString(victim.resolve("files/meta-moducop/README"), "victim readme\n");
        assertEquals(0, generate().exitCode());
        layers = tree(out, true);
    }

    private Cli generate(String... more) {
        String[] args = new String[3 + more.length + 1];
        args[0] = "generate";
        args[1] = "-o";
        args[2] = out.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        args[args.length - 1] = PROFILE;
        return Cli.run(args);
    }

    /** Refused with exit 2, one diagnostic naming {@code file}, a hint; the victim and the layers unchanged. */
    private void assertRefused(Cli r, String file, Map<String, String> victimBefore) throws IOException {
        assertEquals(2, r.exitCode(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith(file) || first.contains(file), "names " + file + ":\n" + r.err());
        assertTrue(r.err().contains("hint: "), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("internal error"), r.err());
        assertEquals(victimBefore, tree(victim, false), "the victim outside the output directory is unchanged");
        assertEquals(layers, tree(out, true), "nothing was done in the layers");
        assertFalse(r.out().contains("up to date"), r.out());
    }

    private void journal(String text) throws IOException {
        Files.writeString(state.resolve("journal"), text);
    }

    @Test
    void journalDeletingOutsideWithDotDotIsRefusedAndNothingIsReplayed() throws IOException {
        Map<String, String> before = tree(victim, false);
        journal("stage " + STAGE + "\ndelete meta-moducop/conf/layer.conf\ndelete ../victim/file\n"
                + "delete meta-moducop/../../victim/sub/layer.conf\n");
        assertRefused(generate(), state.resolve("journal") + ":3:1", before);
        assertTrue(Files.exists(state.resolve("journal")), "the journal is left for the user to inspect");
        assertRefused(generate("--check"), state.resolve("journal") + ":3:1", before);
    }

    @Test
    void journalWithAnAbsolutePathIsRefused() throws IOException {
        Map<String, String> before = tree(victim, false);
        journal("stage " + STAGE + "\ndelete " + victim.resolve("file") + "\n");
        assertRefused(generate(), state.resolve("journal") + ":2:1", before);
    }

    @Test
    void journalWithAStageOutsideIsRefused() throws IOException {
        Map<String, String> before = tree(victim, false);
        journal("stage ../../victim\nput meta-moducop/README\n");
        assertRefused(generate(), state.resolve("journal") + ":1:1", before);
        journal("stage " + STAGE + "/../../../victim\nput meta-moducop/README\n");
        assertRefused(generate(), state.resolve("journal") + ":1:1", before);
        journal("stage ../../victim\n");
        assertRefused(generate(), state.resolve("journal") + ":1:1", before);
    }

    @Test
    void symlinkedStageDirectoryIsNotFollowed() throws IOException {
        Map<String, String> before = tree(victim, false);
        Files.createSymbolicLink(state.resolve(STAGE), victim);
        journal("stage " + STAGE + "\nput meta-moducop/README\n");
        assertRefused(generate(), state.resolve(STAGE).toString(), before);
        assertTrue(Files.isSymbolicLink(state.resolve(STAGE)));
    }

    @Test
    void symlinkedStageLeftWithoutACommittedJournalIsRemovedAsALink() throws IOException {
        Map<String, String> before = tree(victim, false);
        Files.createSymbolicLink(state.resolve(STAGE), victim);
        journal("stage " + STAGE + "\n");
        assertEquals(0, generate().exitCode());
        assertFalse(Files.exists(state.resolve(STAGE), LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, tree(victim, false));
    }

    @Test
    void stagedFileThatIsALinkIsRefused() throws IOException {
        Map<String, String> before = tree(victim, false);
        Path staged = state.resolve(STAGE).resolve("files/meta-moducop/README");
        Files.createDirectories(staged.getParent());
        Files.createSymbolicLink(staged, victim.resolve("file"));
        journal("stage " + STAGE + "\nput meta-moducop/README\n");
        assertRefused(generate(), staged.toString(), before);
    }

    @Test
    void symlinkedStateDirectoryIsRefused() throws IOException {
        Map<String, String> before = tree(victim, false);
        Path real = tmp.resolve("state-elsewhere");
        Files.move(state, real);
        Files.createSymbolicLink(state, victim);
        assertRefused(generate(), state.toString(), before);
        assertRefused(generate("--check"), state.toString(), before);
    }

    @Test
    void symlinkedLockIsNotFollowed() throws IOException {
        Path lock = state.resolve("lock");
        Files.delete(lock);
        Files.createSymbolicLink(lock, victim.resolve("file"));
        FileTime mtime = Files.getLastModifiedTime(victim.resolve("file"));
        Map<String, String> before = tree(victim, false);
        assertRefused(generate(), lock.toString(), before);
        assertEquals(mtime, Files.getLastModifiedTime(victim.resolve("file")));
    }

    @Test
    void danglingLockLinkCreatesNothing() throws IOException {
        Path lock = state.resolve("lock");
        Files.delete(lock);
        Files.createSymbolicLink(lock, victim.resolve("created-by-moducop"));
        Map<String, String> before = tree(victim, false);
        assertRefused(generate(), lock.toString(), before);
        assertFalse(Files.exists(victim.resolve("created-by-moducop")));
    }

    @Test
    void manifestNamingFilesOutsideIsRefused() throws IOException {
        Map<String, String> before = tree(victim, false);
        Path manifest = state.resolve("manifest");
        Files.writeString(manifest, Files.readString(manifest) + "../victim/file\n");
        assertRefused(generate(), manifest + ":", before);
        assertRefused(generate("--check"), manifest + ":", before);
    }

    @Test
    void symlinkedDirectoryInsideALayerIsNotWrittenThrough() throws IOException {
        Path conf = out.resolve("meta-moducop/conf");
        Path moved = tmp.resolve("conf-moved");
        Files.move(conf, moved);
        Files.createSymbolicLink(conf, victim);
        Map<String, String> before = tree(victim, false);
        layers = tree(out, true);
        assertRefused(generate(), conf.toString(), before);
        assertRefused(generate("--check"), conf.toString(), before);
    }

    @Test
    void journalDeletingThroughASymlinkedDirectoryInsideALayerIsRefused() throws IOException {
        Path link = out.resolve("meta-moducop/recipes-x");
        Files.createSymbolicLink(link, victim);
        Map<String, String> before = tree(victim, false);
        layers = tree(out, true);
        journal("stage " + STAGE + "\ndelete meta-moducop/recipes-x/file\n");
        assertRefused(generate(), link.toString(), before);
    }

    @Test
    void aPendingJournalIsNotUpToDate() throws IOException {
        journal("stage " + STAGE + "\ndelete meta-moducop/not-there\n");
        Cli check = generate("--check");
        assertEquals(1, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("interrupted"), check.out());
        assertFalse(check.out().contains("up to date"), check.out());
        assertEquals(0, generate().exitCode(), "a journal moducop could have written is completed");
        assertFalse(Files.exists(state.resolve("journal")));
        assertEquals(0, generate("--check").exitCode());
    }

    @Test
    void removingTheStateAsTheHintSaysIsRecoveredFrom() throws IOException {
        try (Stream<Path> s = Files.walk(state)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Cli r = generate();
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(Files.isRegularFile(state.resolve("manifest")), "nothing to stage, yet the manifest is written");
        assertEquals(0, generate("--check").exitCode());
        assertEquals(layers, tree(out, true));
    }

    @Test
    void fileNamesInNoticesAreEscaped() throws IOException {
        Files.writeString(out.resolve("meta-moducop/x\u001b[2Jy\u202egnp"), "foreign\n");
        Cli r = generate();
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("left alone (not generated by moducop): "), r.err());
        assertTrue(r.err().contains("x\\u001b[2Jy\\u202egnp"), r.err());
        assertFalse(r.err().contains("\u001b") || r.err().contains("\u202e"), r.err());
        Cli check = generate("--check");
        assertFalse(check.out().contains("\u001b") || check.out().contains("\u202e"), check.out());
    }

    /** Every entry under {@code dir}: file contents, link targets, directories; without .moducop if asked. */
    static Map<String, String> tree(Path dir, boolean layersOnly) throws IOException {
        Map<String, String> all = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return all;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (layersOnly && rel.startsWith(OutputTree.STATE)) {
                    continue;
                }
                all.put(rel, Files.isSymbolicLink(p) ? "link:" + Files.readSymbolicLink(p)
                        : Files.isDirectory(p) ? "dir" : Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return all;
    }

    /** A checkout can commit a link where the default -o (build/layers) goes: a relative -o through a link is refused. */
    @Test
    void relativeOutputThroughALinkInTheTreeIsRefused() throws IOException {
        Path link = Path.of("target", "planted-" + java.util.UUID.randomUUID());
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, victim.toAbsolutePath());
        try {
            Map<String, String> before = tree(victim, false);
            Cli r = Cli.run("generate", "-o", link.resolve("layers").toString(), PROFILE);
            assertEquals(2, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains("is a symbolic link") && r.err().contains("hint: "), r.err());
            assertEquals(before, tree(victim, false), "nothing written through the link");
        } finally {
            Files.delete(link);
        }
    }
}
