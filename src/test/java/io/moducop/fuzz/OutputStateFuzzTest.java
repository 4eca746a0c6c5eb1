package io.moducop.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.moducop.Diagnostic;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state generate leaves in {@code OUTPUT/.moducop/}, mutated as a merge request could plant it:
 * a committed journal (with its stage directory) and a manifest, changed line by line (hostile
 * names, stage lines, verbs, order, line ends) and byte by byte, sometimes with symbolic links in
 * place of the stage, the lock, a layer directory or .moducop itself. Writing and checking must end
 * in a result or a UserError/IoFailure, nothing beside the output directory may change (canary
 * files sit there, named like the files a hostile name points at), a refused state changes no
 * layer file, and a write that succeeds leaves exactly the generated content. The seed is printed;
 * rerun a failure with {@code -Dmoducop.fuzz.seed=N} ({@code -Dmoducop.fuzz.cases=N} for more).
 */
class OutputStateFuzzTest {

    private static final long SEED = Long.getLong("moducop.fuzz.seed", 20261207L);
    private static final int CASES = Integer.getInteger("moducop.fuzz.cases", 2000);

    @TempDir
    Path tmp;

    private SortedMap<String, byte[]> before;
    private SortedMap<String, byte[]> after;
    private Path template;
    private Path scene;
    private Path out;
    private Path global;
    private String journal;
    private String manifest;
    private String stage;
    private List<String> hostile;

    /**
     * A small tree shaped like the generated layers (fewer files keep thousands of cases fast on a
     * busy disk) and the committed journal of an update to a second one, as a killed run leaves them.
     */
    @BeforeEach
    void seed() throws IOException {
        before = tree("meta-moducop/conf/layer.conf", "meta-moducop/conf/machine/moducop-a.conf", "meta-moducop/wic/moducop-a.wks",
                "meta-moducop/recipes-bsp/moducop-boot/files/moducop-a/boot.cmd", "meta-moducop-distro/conf/layer.conf",
                "meta-moducop-distro/conf/distro/moducop.conf", "meta-moducop-distro/recipes-core/images/moducop-image.bb");
        after = tree("meta-moducop/conf/layer.conf", "meta-moducop/conf/machine/moducop-b.conf", "meta-moducop/wic/moducop-b.wks",
                "meta-moducop/recipes-bsp/moducop-boot/files/moducop-b/boot.cmd", "meta-moducop-distro/conf/layer.conf",
                "meta-moducop-distro/conf/distro/moducop.conf", "meta-moducop-distro/recipes-core/images/moducop-image.bb");
        after.put("meta-moducop/conf/layer.conf", "BBFILE_COLLECTIONS += \"moducop-b\"\n".getBytes(StandardCharsets.UTF_8));
        template = tmp.resolve("template");
        OutputTree tree = new OutputTree(template, LayerGenerator.LAYERS);
        tree.write(before, n -> { });
        OutputTree.Changes c = tree.compare(after);
        stage = "stage-" + UUID.randomUUID();
        Path st = template.resolve(".moducop").resolve(stage);
        StringBuilder j = new StringBuilder("stage " + stage + "\n");
        for (String name : c.added()) {
            j.append("put ").append(name).append('\n');
        }
        for (String name : c.changed()) {
            j.append("put ").append(name).append('\n');
        }
        for (String name : c.removed()) {
            j.append("delete ").append(name).append('\n');
        }
        for (String name : concat(c.added(), c.changed())) {
            Files.createDirectories(st.resolve("files").resolve(name).getParent());
            Files.write(st.resolve("files").resolve(name), after.get(name));
        }
        Files.writeString(st.resolve("manifest"), String.join("\n", after.keySet()) + "\n");
        journal = j.toString();
        manifest = Files.readString(template.resolve(".moducop/manifest"));
        assertFalse(c.removed().isEmpty() || c.added().isEmpty(), "the seed journal puts and deletes");

        scene = tmp.resolve("scene");
        out = scene.resolve("out");
        global = tmp.resolve("global-canary.txt");
        Files.writeString(global, "global\n");
        for (String f : List.of("canary.txt", "canary-dir/file", "canary-dir/conf/layer.conf", "meta-moducop/conf/layer.conf",
                "meta-moducop-distro/conf/layer.conf", "x/canary.txt")) {
            Files.createDirectories(scene.resolve(f).getParent());
            Files.writeString(scene.resolve(f), "canary " + f + "\n");
        }
        hostile = List.of("../canary.txt", "../canary-dir/file", "meta-moducop/../../canary.txt", global.toString(),
                scene.resolve("canary.txt").toString(), "meta-moducop/../../../global-canary.txt", "../meta-moducop/conf/layer.conf",
                "meta-moducop/conf/../../../canary-dir/conf/layer.conf", "meta-moducop//conf/layer.conf", "meta-moducop/./conf/layer.conf",
                "/meta-moducop/conf/layer.conf", "meta-moducop", "meta-moducop/", "", " ", "meta-moducop/conf/layer.conf\r",
                "meta-moducop/x\u001b[2J", "meta-moducop/\u202egnp.x", "meta-moducop/" + "a".repeat(300), "meta-moducop/..",
                "meta-moducop\\..\\..\\canary.txt", "~/canary.txt", "meta-moducop/conf", "meta-moducop-distro/../../x/canary.txt",
                ".moducop/manifest", "meta-moducop/conf/layer.conf", "meta-moducop-distro/conf/distro/moducop.conf",
                "meta-moducop/a\u0000b", "meta-moducop/\u00e9", "meta-moducop/a b", "..", ".", "/", "//", "meta-other/x");
    }

    @Test
    void mutatedJournalsAndManifestsChangeNothingOutsideAndEndInAResultOrARefusal() throws IOException {
        System.out.println("OutputStateFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Random r = new Random(SEED);
        Mutator bytes = new Mutator(r);
        Map<String, String> canaries = snapshot(scene, true);
        canaries.put("global", Files.readString(global));
        Map<String, String> sceneStamps = stamps(scene, true);
        int written = 0;
        int refused = 0;
        int resets = 0;
        long start = System.nanoTime();
        reset();
        Map<String, String> clean = stamps(out, false);
        for (int i = 0; i < CASES; i++) {
            String kind = pick(r, List.of("journal", "manifest", stage + "/manifest"));
            Path state = out.resolve(".moducop");
            if (kind.equals("manifest")) {
                Files.move(state.resolve(stage), state.resolve("parked"));
            } else {
                Files.writeString(state.resolve("journal"), journal);
            }
            String seed = kind.equals("journal") ? journal : kind.equals("manifest") ? manifest : String.join("\n", after.keySet()) + "\n";
            byte[] planted = switch (r.nextInt(7)) {
                case 0, 1, 2 -> lines(r, seed).getBytes(StandardCharsets.UTF_8);
                case 3, 4 -> bytes.mutate(seed);
                default -> bytes.mutate(lines(r, seed));
            };
            plant(state.resolve(kind), planted);
            String link = r.nextInt(12) == 0 ? plantLink(r) : "";
            String where = "seed " + SEED + " case " + i + " (" + kind + link + "):\n"
                    + Diagnostic.escape(new String(planted, StandardCharsets.UTF_8));
            Map<String, String> layers = stamps(out, true);
            boolean check = r.nextInt(4) == 0;
            SortedMap<String, byte[]> wanted = r.nextBoolean() ? after : before;
            OutputTree tree = new OutputTree(out, LayerGenerator.LAYERS);
            try {
                if (check) {
                    tree.compare(wanted);
                    tree.interrupted();
                } else {
                    tree.write(wanted, n -> assertFalse(n.contains("\u001b") || n.contains("\u202e"), where + "\n" + n));
                    written++;
                    for (Map.Entry<String, byte[]> e : wanted.entrySet()) {
                        Path f = out.resolve(e.getKey());
                        assertTrue(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS), where + "\nmissing " + e.getKey());
                        assertArrayEquals(e.getValue(), Files.readAllBytes(f), where + "\nwrong content in " + e.getKey());
                    }
                }
            } catch (UserError e) {
                refused++;
                String shown = e.diagnostics().get(0).format();
                assertTrue(shown.lines().count() <= 2 && !shown.contains("\u001b"), where + "\n" + shown);
                if (link.isEmpty()) {
                    assertEquals(layers, stamps(out, true), where + "\nrefused (" + shown + ") after changing the layers");
                }
            } catch (IoFailure e) {
                assertFalse(e.format().contains("\u001b"), where + "\n" + e.format());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail(where + "\nescaped: " + e, e);
            }
            assertEquals(sceneStamps, stamps(scene, true), where + "\nchanged a file beside the output directory");
            if (!restored(kind, clean)) {
                reset();
                clean = stamps(out, false);
                resets++;
            }
        }
        Map<String, String> now = snapshot(scene, true);
        now.put("global", Files.readString(global));
        assertEquals(canaries, now, "changed a file beside the output directory");
        System.out.printf("OutputStateFuzzTest: %d cases, %d writes succeeded, %d refused, %d resets, %.1f s%n",
                CASES, written, refused, resets, (System.nanoTime() - start) / 1e9);
        assertTrue(written > CASES / 50 && refused > CASES / 4, "the mutants reach both sides: " + written + " written, " + refused + " refused");
    }

    @Test
    void oversizedStateIsRefusedReadingBounded() throws IOException {
        for (String name : List.of("journal", "manifest")) {
            reset();
            Path f = out.resolve(".moducop").resolve(name);
            plant(f, new byte[0]);
            byte[] chunk = "\n".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 33; i++) {
                Files.write(f, chunk, java.nio.file.StandardOpenOption.APPEND);
            }
            OutputTree tree = new OutputTree(out, LayerGenerator.LAYERS);
            UserError e = assertThrows(UserError.class, () -> tree.write(after, n -> { }));
            assertTrue(e.diagnostics().get(0).format().startsWith(f + ": is larger than"), e.diagnostics().get(0).format());
        }
    }

    private static SortedMap<String, byte[]> tree(String... names) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (String n : names) {
            files.put(n, ("# " + n + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    /** One to three line-level edits. */
    private String lines(Random r, String text) {
        List<String> l = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        l.remove(l.size() - 1);
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int at = l.isEmpty() ? 0 : r.nextInt(l.size());
            String h = hostile.get(r.nextInt(hostile.size()));
            switch (r.nextInt(12)) {
                case 0, 1 -> {
                    if (!l.isEmpty()) {
                        String line = l.get(at);
                        int sp = line.indexOf(' ');
                        l.set(at, (sp < 0 || !line.startsWith("put ") && !line.startsWith("delete ") ? "" : line.substring(0, sp + 1)) + h);
                    }
                }
                case 2 -> l.add(at, (r.nextBoolean() ? "put " : "delete ") + h);
                case 3 -> l.add(0, pick(r, List.of("stage ../", "stage " + scene.resolve("canary-dir"), "stage " + stage + "/../../..",
                        "stage ..", "stage ", "stage " + stage.toUpperCase(), "stage " + stage + "\r", "stage  " + stage,
                        "stage stage-", "stage " + stage + "/files", "stage ../../canary-dir", "stage " + stage)));
                case 4 -> {
                    if (!l.isEmpty()) {
                        String line = l.get(at);
                        l.set(at, line.startsWith("put ") ? "delete " + line.substring(4) : line.startsWith("delete ") ? "put " + line.substring(7)
                                : pick(r, List.of("PUT ", "rm ", "put  ", "", "delete")) + line);
                    }
                }
                case 5 -> {
                    if (!l.isEmpty()) {
                        l.remove(at);
                    }
                }
                case 6 -> {
                    if (!l.isEmpty()) {
                        l.add(at, l.get(r.nextInt(l.size())));
                    }
                }
                case 7 -> java.util.Collections.shuffle(l, r);
                case 8 -> l.add(at, "");
                case 9 -> {
                    if (!l.isEmpty()) {
                        String line = l.get(at);
                        l.set(at, line.substring(0, r.nextInt(line.length() + 1)));
                    }
                }
                case 10 -> {
                    String joined = String.join(pick(r, List.of("\r\n", "\r", "\u2028", "\u0085")), l);
                    return r.nextBoolean() ? joined : joined + "\n";
                }
                default -> {
                    String joined = String.join("\n", l);
                    return joined.substring(0, r.nextInt(joined.length() + 1));
                }
            }
        }
        return l.isEmpty() ? "" : String.join("\n", l) + "\n";
    }

    /** A symbolic link where moducop keeps a plain file or directory, pointing beside the output directory. */
    private String plantLink(Random r) throws IOException {
        Path state = out.resolve(".moducop");
        switch (r.nextInt(4)) {
            case 0 -> {
                delete(state.resolve(stage));
                Files.createSymbolicLink(state.resolve(stage), scene.resolve("canary-dir"));
                return ", stage is a link";
            }
            case 1 -> {
                Files.deleteIfExists(state.resolve("lock"));
                Files.createSymbolicLink(state.resolve("lock"), scene.resolve(r.nextBoolean() ? "canary.txt" : "x/new-file"));
                return ", lock is a link";
            }
            case 2 -> {
                Path conf = out.resolve("meta-moducop/conf");
                delete(conf);
                Files.createSymbolicLink(conf, scene.resolve("canary-dir/conf"));
                return ", meta-moducop/conf is a link";
            }
            default -> {
                delete(state);
                Files.createSymbolicLink(state, scene.resolve("canary-dir"));
                return ", .moducop is a link";
            }
        }
    }

    /**
     * Puts back what a case planted; true if the rest of the output directory is as {@code clean}
     * (a refusal changes nothing), so the next case can start here without a copy.
     */
    private boolean restored(String kind, Map<String, String> clean) throws IOException {
        Path state = out.resolve(".moducop");
        if (!Files.isDirectory(state, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (Files.isDirectory(state.resolve("parked"), LinkOption.NOFOLLOW_LINKS) && !Files.exists(state.resolve(stage), LinkOption.NOFOLLOW_LINKS)) {
            Files.move(state.resolve("parked"), state.resolve(stage));
        }
        if (!Files.isDirectory(state.resolve(stage), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.deleteIfExists(state.resolve("journal"));
        if (kind.equals("manifest")) {
            plant(state.resolve("manifest"), manifest.getBytes(StandardCharsets.UTF_8));
        } else if (!kind.equals("journal")) {
            plant(state.resolve(kind), (String.join("\n", after.keySet()) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return clean.equals(stamps(out, false));
    }

    /** A new file in place of the old, never written through: the old one may be a hard link into the template. */
    private static void plant(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.write(file, content, java.nio.file.StandardOpenOption.CREATE_NEW);
    }

    /**
     * The output directory as the template left it: the layers of the first profile, a stage of an
     * update to the second, no journal. Files are hard links (cheaper than copies on a busy disk):
     * moducop replaces files by rename and never writes one in place, and nor does {@link #plant}.
     */
    private void reset() throws IOException {
        delete(out);
        try (Stream<Path> s = Files.walk(template)) {
            for (Path p : s.toList()) {
                Path to = out.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.createLink(to, p);
                }
            }
        }
    }

    /**
     * Each entry's inode, size and modification time (a file replaced, removed or written changes
     * them); of the output directory without the planted state files (or, {@code layersOnly},
     * without .moducop), of the scene without the output directory.
     */
    private Map<String, String> stamps(Path dir, boolean layersOnly) throws IOException {
        Map<String, String> all = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return all;
        }
        Path state = out.resolve(".moducop");
        List<Path> planted = List.of(state.resolve("journal"), state.resolve("manifest"), state.resolve(stage).resolve("manifest"), state,
                state.resolve(stage));
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (dir.equals(scene) ? p.startsWith(out) : layersOnly ? p.startsWith(state) : planted.contains(p)) {
                    continue;
                }
                java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                all.put(dir.relativize(p).toString(), a.fileKey() + " " + (a.isSymbolicLink() ? "link " + Files.readSymbolicLink(p)
                        : a.isDirectory() ? "dir" : a.size() + " " + a.lastModifiedTime().toMillis()));
            }
        }
        return all;
    }

    /** Contents, link targets and directories under {@code dir}; without {@code out} (scene) or without .moducop (layers). */
    private Map<String, String> snapshot(Path dir, boolean scene) throws IOException {
        Map<String, String> all = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return all;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (scene ? p.startsWith(out) : rel.startsWith(".moducop")) {
                    continue;
                }
                all.put(rel, Files.isSymbolicLink(p) ? "link " + Files.readSymbolicLink(p)
                        : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return all;
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
