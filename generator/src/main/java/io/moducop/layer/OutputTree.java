package io.moducop.layer;

import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.util.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Brings an output directory to a generated set of files, as a transaction.
 *
 * <p>State lives in {@code DIR/.moducop/}: {@code manifest} lists the files moducop generated
 * there (only those are ever removed; anything else is left alone and reported), {@code lock}
 * keeps a second run out until the first is done, {@code journal} and {@code stage-<run>/} carry
 * an update in progress. New content is written in full to the stage directory first; then the
 * journal, naming every move and removal, replaces the previous one in one rename: that is the
 * commit point. Applying it first takes each layer's {@code conf/layer.conf} away and puts it back
 * last, so bitbake refuses a layer that is half updated rather than building a mix. A run that is
 * killed before the commit point leaves the previous layers as they were (its stage directory is
 * removed by the next run); one killed after it is completed by the next run before anything else.
 */
public final class OutputTree {

    static final String STATE = ".moducop";
    private static final String LAYER_CONF = "conf/layer.conf";
    private static final String STAGE = "stage ";
    private static final String PUT = "put ";
    private static final String DELETE = "delete ";

    /** What a write or check found, as sorted relative paths; {@code foreign} are files moducop did not generate. */
    public record Changes(List<String> added, List<String> changed, List<String> removed, List<String> foreign,
            int unchanged) {
        public boolean isEmpty() {
            return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
        }

        public List<String> all() {
            List<String> all = new ArrayList<>(added);
            all.addAll(changed);
            all.addAll(removed);
            return all.stream().sorted().toList();
        }
    }

    private final Path root;
    private final Path state;
    private final List<String> layers;

    /** Checks that {@code root} is a place layers may be written to; {@code layers} are the top directories generated there. */
    public OutputTree(Path root, List<String> layers) {
        String text = root.toString();
        if (text.isBlank()) {
            throw UserError.of("-o", "the output directory is empty", "name a directory, e.g. -o build/layers");
        }
        Path abs = root.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            throw UserError.of(text, "the output directory cannot be the file system root", "name a directory of its own, e.g. -o build/layers");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
            throw UserError.of(text, "the output path exists and is not a directory", "name a directory for the layers");
        }
        for (String l : layers) {
            Path d = abs.resolve(l);
            if (Files.isSymbolicLink(d) || Files.exists(d, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                throw UserError.of(d.toString(), "is not a plain directory (a symbolic link or a file)",
                        "moducop writes only into directories it can own; move it away or choose another -o");
            }
        }
        this.root = abs;
        this.state = abs.resolve(STATE);
        this.layers = List.copyOf(layers);
    }

    /** Compares without writing. */
    public Changes compare(SortedMap<String, byte[]> files) {
        try {
            return diff(files);
        } catch (IOException e) {
            throw IoFailure.of(e, root, "cannot read the layers");
        }
    }

    /** A killed run left an update that the next write completes. */
    public boolean interrupted() {
        return Files.exists(state.resolve("journal"));
    }

    /** Writes the files; {@code notice} hears about waiting for another run and about foreign files. */
    public Changes write(SortedMap<String, byte[]> files, Consumer<String> notice) {
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw IoFailure.of(e, state, "cannot create the output directory");
        }
        synchronized (OutputTree.class) {
            try (FileChannel ch = FileChannel.open(state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    notice.accept("waiting for another moducop run that is writing " + root);
                    lock = ch.lock();
                }
                try (FileLock held = lock) {
                    recover();
                    Changes c = diff(files);
                    if (!c.isEmpty() || !Files.exists(state.resolve("manifest"))) {
                        update(files, c);
                    }
                    c.foreign().forEach(f -> notice.accept("left alone (not generated by moducop): " + root.resolve(f)));
                    return c;
                }
            } catch (IOException e) {
                throw IoFailure.of(e, root, "cannot write the layers");
            }
        }
    }

    private void update(SortedMap<String, byte[]> files, Changes c) throws IOException {
        Path stage = state.resolve("stage-" + UUID.randomUUID());
        Path journal = state.resolve("journal");
        AtomicFiles.write(journal, (STAGE + stage.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
        StringBuilder plan = new StringBuilder(STAGE).append(stage.getFileName()).append('\n');
        for (String name : concat(c.added(), c.changed())) {
            Path staged = stage.resolve("files").resolve(name);
            Files.createDirectories(staged.getParent());
            AtomicFiles.writeSynced(staged, files.get(name));
            plan.append(PUT).append(name).append('\n');
        }
        c.removed().forEach(name -> plan.append(DELETE).append(name).append('\n'));
        AtomicFiles.writeSynced(stage.resolve("manifest"), String.join("\n", files.keySet()).concat("\n").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(journal, plan.toString().getBytes(StandardCharsets.UTF_8));
        apply(plan.toString().lines().toList());
    }

    /** Finishes or discards what a killed run left: the journal says which. */
    private void recover() throws IOException {
        Path journal = state.resolve("journal");
        if (Files.exists(journal)) {
            List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
            if (lines.size() > 1) {
                apply(lines);
                return;
            }
            Files.delete(journal);
        }
        try (Stream<Path> s = Files.list(state)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("stage-")).toList()) {
                deleteTree(p);
            }
        }
    }

    /** Idempotent: a journal applied twice, or after a kill part way, gives the same tree. */
    private void apply(List<String> plan) throws IOException {
        Path stage = state.resolve(plan.get(0).substring(STAGE.length()));
        Path hidden = stage.resolve("hidden");
        for (String l : layers) {
            Path conf = root.resolve(l).resolve(LAYER_CONF);
            Path hide = hidden.resolve(l);
            if (Files.exists(conf) && !Files.exists(hide)) {
                Files.createDirectories(hidden);
                AtomicFiles.move(conf, hide);
            }
        }
        List<String> confs = new ArrayList<>();
        TreeSet<Path> emptied = new TreeSet<>(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.naturalOrder()));
        for (String line : plan.subList(1, plan.size())) {
            if (line.startsWith(PUT)) {
                String name = line.substring(PUT.length());
                if (isLayerConf(name)) {
                    confs.add(name);
                } else {
                    putStaged(stage, name);
                }
            } else if (line.startsWith(DELETE)) {
                Path target = root.resolve(line.substring(DELETE.length()));
                Files.deleteIfExists(target);
                emptied.add(target.getParent());
            }
        }
        pruneEmpty(emptied);
        Path manifest = stage.resolve("manifest");
        if (Files.exists(manifest)) {
            AtomicFiles.move(manifest, state.resolve("manifest"));
        }
        for (String name : confs) {
            putStaged(stage, name);
        }
        for (String l : layers) {
            Path hide = hidden.resolve(l);
            Path conf = root.resolve(l).resolve(LAYER_CONF);
            if (Files.exists(hide) && !Files.exists(conf)) {
                AtomicFiles.move(hide, conf);
            }
        }
        Files.delete(state.resolve("journal"));
        deleteTree(stage);
    }

    private void putStaged(Path stage, String name) throws IOException {
        Path staged = stage.resolve("files").resolve(name);
        if (Files.exists(staged)) {
            Path target = root.resolve(name);
            Files.createDirectories(target.getParent());
            AtomicFiles.move(staged, target);
        }
    }

    private boolean isLayerConf(String name) {
        return layers.stream().anyMatch(l -> name.equals(l + "/" + LAYER_CONF));
    }

    private Changes diff(SortedMap<String, byte[]> files) throws IOException {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path target = root.resolve(e.getKey());
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                added.add(e.getKey());
            } else if (!Arrays.equals(Files.readAllBytes(target), e.getValue())) {
                changed.add(e.getKey());
            } else {
                unchanged++;
            }
        }
        TreeSet<String> generatedBefore = new TreeSet<>();
        Path manifest = state.resolve("manifest");
        if (Files.exists(manifest)) {
            generatedBefore.addAll(Files.readAllLines(manifest, StandardCharsets.UTF_8));
        }
        List<String> removed = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (String f : existing()) {
            if (files.containsKey(f)) {
                continue;
            }
            (generatedBefore.contains(f) ? removed : foreign).add(f);
        }
        return new Changes(added, changed, removed, foreign, unchanged);
    }

    /** Files now under the layer directories. */
    private List<String> existing() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (String dir : layers) {
            Path d = root.resolve(dir);
            if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                            .map(p -> root.relativize(p).toString().replace('\\', '/'))
                            .forEach(names::add);
                }
            }
        }
        return List.copyOf(names);
    }

    /** Removes directories that removals left empty, deepest first, never a layer's top directory. */
    private void pruneEmpty(TreeSet<Path> dirs) throws IOException {
        for (Path d : dirs) {
            for (Path p = d; p != null && p.startsWith(root) && p.getNameCount() > root.getNameCount() + 1; p = p.getParent()) {
                try (Stream<Path> s = Files.list(p)) {
                    if (s.findAny().isPresent()) {
                        break;
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                Files.delete(p);
            }
        }
    }

    /** Only for directories under {@code .moducop/}, which moducop alone writes. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
