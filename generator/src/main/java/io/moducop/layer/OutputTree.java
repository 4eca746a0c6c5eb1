package io.moducop.layer;

import io.moducop.Diagnostic;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.schema.BoundedFile;
import io.moducop.util.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
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
 * Only the journal is forced to disk: the guarantee is against a killed process, whose written
 * pages the kernel keeps; a power cut of the build host can still lose staged content.
 *
 * <p>The output directory may sit in a checkout a merge request controls, so the state is read
 * back as untrusted input: it must be what moducop itself writes (names of files under the layer
 * directories, a stage directory of its own pattern, bounded sizes), no symbolic link is followed
 * in it or on the way to a file it names, and one that fails is refused before anything is done.
 */
public final class OutputTree {

    static final String STATE = ".moducop";
    private static final String LAYER_CONF = "conf/layer.conf";
    private static final String STAGE = "stage ";
    private static final String PUT = "put ";
    private static final String DELETE = "delete ";
    private static final Pattern STAGE_DIR =
            Pattern.compile("stage-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** A generated file below a layer directory: relative, at least two segments, no empty, "." or ".." segment. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._%+@~-]{1,255}(/[A-Za-z0-9._%+@~-]{1,255})+");
    private static final int MAX_NAME = 300;
    /** Files one output directory may hold; with MAX_NAME it keeps a journal (two lines a file at most) under MAX_STATE_BYTES. */
    static final int MAX_FILES = 50_000;
    private static final int MAX_STATE_BYTES = 32 << 20;
    private static final String STATE_HINT = "moducop did not write this (planted or damaged); remove the output directory,"
            + " or only its .moducop, and run moducop generate again";
    private static final String PLAIN_HINT = "moducop writes only through plain directories it can own; move it away or choose another -o";

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

    /** An update in progress: committed once it names a move or removal. */
    private record Journal(String stage, List<String> puts, List<String> deletes) {
        boolean committed() {
            return !puts.isEmpty() || !deletes.isEmpty();
        }

        String text() {
            StringBuilder sb = new StringBuilder(STAGE).append(stage).append('\n');
            puts.forEach(n -> sb.append(PUT).append(n).append('\n'));
            deletes.forEach(n -> sb.append(DELETE).append(n).append('\n'));
            return sb.toString();
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
        // a relative -o names a place in the tree moducop runs in (a checkout, where anyone may commit a
        // link): no link on the way may lead the layers out of it; an absolute one is the user's own
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = abs; p != null && (root.isAbsolute() ? p.equals(abs) : p.startsWith(cwd) && !p.equals(cwd)); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw UserError.of(Diagnostic.escape(p), "is a symbolic link: moducop does not write the layers through one",
                        "name the directory it points to with -o, or remove the link");
            }
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

    /** Compares without writing; a committed journal is checked as the next write would check it (an uncommitted one may still be written to). */
    public Changes compare(SortedMap<String, byte[]> files) {
        try {
            requireDirectory(state);
            Journal j = readJournal();
            if (j != null && j.committed()) {
                check(j);
            }
            return diff(files);
        } catch (IOException e) {
            throw IoFailure.of(e, root, "cannot read the layers");
        }
    }

    /** A killed run left an update that the next write completes. */
    public boolean interrupted() {
        return Files.exists(state.resolve("journal"), LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes the files; {@code notice} hears about waiting for another run and about foreign files. */
    public Changes write(SortedMap<String, byte[]> files, Consumer<String> notice) {
        requireRecordable(files);
        Path lockFile = state.resolve("lock");
        try {
            requireDirectory(state);
            Files.createDirectories(state);
            requireFile(lockFile);
        } catch (IOException e) {
            throw IoFailure.of(e, state, "cannot create the output directory");
        }
        synchronized (OutputTree.class) {
            // CREATE without TRUNCATE_EXISTING: opening never changes a file; NOFOLLOW_LINKS: never one a link points at
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    notice.accept("waiting for another moducop run that is writing " + Diagnostic.escape(root.toString()));
                    lock = ch.lock();
                }
                try (FileLock held = lock) {
                    recover();
                    Changes c = diff(files);
                    if (!c.isEmpty() || !Files.exists(state.resolve("manifest"), LinkOption.NOFOLLOW_LINKS)) {
                        update(files, c);
                    }
                    c.foreign().forEach(f -> notice.accept("left alone (not generated by moducop): "
                            + Diagnostic.escape(root.resolve(f).toString())));
                    return c;
                }
            } catch (IOException e) {
                throw IoFailure.of(e, root, "cannot write the layers");
            }
        }
    }

    /** What moducop writes it must be able to read back under the same checks. */
    private void requireRecordable(SortedMap<String, byte[]> files) {
        if (files.size() > MAX_FILES) {
            throw UserError.of(root.toString(), "more than " + MAX_FILES + " files to generate into one output directory",
                    "generate fewer profiles at a time, into separate output directories");
        }
        for (String name : files.keySet()) {
            if (!validName(name)) {
                throw new IllegalStateException("generated a file name the manifest cannot hold: " + name);
            }
        }
    }

    private void update(SortedMap<String, byte[]> files, Changes c) throws IOException {
        Journal begun = new Journal("stage-" + UUID.randomUUID(), List.of(), List.of());
        Path stage = state.resolve(begun.stage());
        Path journal = state.resolve("journal");
        AtomicFiles.write(journal, begun.text().getBytes(StandardCharsets.UTF_8));
        Files.createDirectory(stage);
        for (String name : concat(c.added(), c.changed())) {
            Path staged = stage.resolve("files").resolve(name);
            Files.createDirectories(staged.getParent());
            Files.write(staged, files.get(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        StringBuilder manifest = new StringBuilder();
        files.keySet().forEach(n -> manifest.append(n).append('\n'));
        Files.write(stage.resolve("manifest"), manifest.toString().getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Journal plan = new Journal(begun.stage(), concat(c.added(), c.changed()), c.removed());
        check(plan);
        AtomicFiles.write(journal, plan.text().getBytes(StandardCharsets.UTF_8));
        apply(plan);
    }

    /** Finishes or discards what a killed run left: the journal says which. Checks everything before doing anything. */
    private void recover() throws IOException {
        Journal j = readJournal();
        if (j != null && j.committed()) {
            check(j);
            apply(j);
            return;
        }
        if (j != null) {
            Files.delete(state.resolve("journal"));
        }
        try (Stream<Path> s = Files.list(state)) {
            for (Path p : s.filter(p -> STAGE_DIR.matcher(p.getFileName().toString()).matches()).toList()) {
                deleteTree(p);
            }
        }
    }

    /** Idempotent: a journal applied twice, or after a kill part way, gives the same tree. */
    private void apply(Journal plan) throws IOException {
        Path stage = state.resolve(plan.stage());
        Path hidden = stage.resolve("hidden");
        for (String l : layers) {
            Path conf = root.resolve(l).resolve(LAYER_CONF);
            Path hide = hidden.resolve(l);
            if (exists(conf) && !exists(hide)) {
                Files.createDirectories(hidden);
                AtomicFiles.move(conf, hide);
            }
        }
        List<String> confs = new ArrayList<>();
        TreeSet<Path> emptied = new TreeSet<>(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Comparator.naturalOrder()));
        for (String name : plan.puts()) {
            if (isLayerConf(name)) {
                confs.add(name);
            } else {
                putStaged(stage, name);
            }
        }
        for (String name : plan.deletes()) {
            Path target = root.resolve(name);
            Files.deleteIfExists(target);
            emptied.add(target.getParent());
        }
        pruneEmpty(emptied);
        Path manifest = stage.resolve("manifest");
        if (exists(manifest)) {
            AtomicFiles.move(manifest, state.resolve("manifest"));
        }
        for (String name : confs) {
            putStaged(stage, name);
        }
        for (String l : layers) {
            Path hide = hidden.resolve(l);
            Path conf = root.resolve(l).resolve(LAYER_CONF);
            if (exists(hide) && !exists(conf)) {
                AtomicFiles.move(hide, conf);
            }
        }
        Files.delete(state.resolve("journal"));
        deleteTree(stage);
    }

    private void putStaged(Path stage, String name) throws IOException {
        Path staged = stage.resolve("files").resolve(name);
        if (exists(staged)) {
            Path target = root.resolve(name);
            Files.createDirectories(target.getParent());
            AtomicFiles.move(staged, target);
        }
    }

    private boolean isLayerConf(String name) {
        return layers.stream().anyMatch(l -> name.equals(l + "/" + LAYER_CONF));
    }

    /** The journal as moducop writes it, or null if there is none; anything else is refused. */
    private Journal readJournal() throws IOException {
        Path file = state.resolve("journal");
        List<String> lines = readState(file, 1 + 2 * MAX_FILES);
        if (lines == null) {
            return null;
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(STAGE)
                || !STAGE_DIR.matcher(lines.get(0).substring(STAGE.length())).matches()) {
            throw refused(file, 1, "the first line is not \"stage stage-<uuid>\" as moducop writes it", lines.isEmpty() ? "" : lines.get(0));
        }
        List<String> puts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            List<String> to = line.startsWith(PUT) ? puts : line.startsWith(DELETE) ? deletes : null;
            String name = to == puts ? line.substring(PUT.length()) : to == deletes ? line.substring(DELETE.length()) : null;
            if (to == null || !underLayers(name)) {
                throw refused(file, i + 1, to == null ? "is neither \"put NAME\" nor \"delete NAME\""
                        : "names no file under " + String.join("/ or ", layers) + "/ (relative, normalised, printable)", line);
            }
            to.add(name);
        }
        return new Journal(lines.get(0).substring(STAGE.length()), List.copyOf(puts), List.copyOf(deletes));
    }

    /** The names in a manifest, or an empty set if there is none; anything else is refused. */
    private TreeSet<String> readManifest(Path file) throws IOException {
        List<String> lines = readState(file, MAX_FILES);
        TreeSet<String> names = new TreeSet<>();
        if (lines == null) {
            return names;
        }
        for (int i = 0; i < lines.size(); i++) {
            if (!underLayers(lines.get(i))) {
                throw refused(file, i + 1, "names no file under " + String.join("/ or ", layers) + "/ (relative, normalised, printable)",
                        lines.get(i));
            }
            names.add(lines.get(i));
        }
        return names;
    }

    /** The lines of a state file (each ended by a line feed), or null if it does not exist; read bounded, never through a link. */
    private static List<String> readState(Path file, int maxLines) throws IOException {
        if (!requireFile(file)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = BoundedFile.read(file, MAX_STATE_BYTES);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (BoundedFile.Refused e) {
            throw UserError.of(file.toString(), e.getMessage(), STATE_HINT);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw UserError.of(file.toString(), "is not UTF-8 text", STATE_HINT);
        }
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw UserError.of(file.toString(), "does not end with a line feed (cut short)", STATE_HINT);
        }
        if (text.chars().filter(c -> c == '\n').count() > maxLines) {
            throw UserError.of(file.toString(), "has more than " + maxLines + " lines", STATE_HINT);
        }
        return text.isEmpty() ? List.of() : Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    }

    private static UserError refused(Path file, int line, String message, String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return new UserError(List.of(new Diagnostic(file.toString(), line, 1, message + ": \"" + shown + "\"", STATE_HINT)));
    }

    private static boolean validName(String name) {
        return name.length() <= MAX_NAME && NAME.matcher(name).matches()
                && Arrays.stream(name.split("/")).noneMatch(s -> s.equals(".") || s.equals(".."));
    }

    private boolean underLayers(String name) {
        return validName(name) && layers.contains(name.substring(0, name.indexOf('/')));
    }

    /**
     * Everything a journal would touch, checked before it is applied: its stage directory and what
     * is in it (plain directories and regular files only, the manifest valid), and no link on the
     * way to each file it moves to or removes from.
     */
    private void check(Journal j) throws IOException {
        Path stage = state.resolve(j.stage());
        requireDirectory(stage);
        Path staged = stage.resolve("files");
        requireDirectory(staged);
        Path hidden = stage.resolve("hidden");
        requireDirectory(hidden);
        for (String l : layers) {
            requireNoDirectory(hidden.resolve(l));
            requireWritable(l + "/" + LAYER_CONF);
        }
        for (String name : j.puts()) {
            requireDirectories(staged, name);
            requireFile(staged.resolve(name));
            requireWritable(name);
        }
        for (String name : j.deletes()) {
            requireWritable(name);
        }
        Path manifest = stage.resolve("manifest");
        if (requireFile(manifest)) {
            readManifest(manifest);
        }
    }

    /**
     * No directory on the way from the root to {@code name} is a symbolic link, so writing or
     * removing it stays in the output directory (the file itself, if a link, is replaced or removed
     * as a link). A file where a directory belongs is left to fail as an I/O error naming it.
     */
    private void requireWritable(String name) throws IOException {
        Path p = root;
        String[] segments = name.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            p = p.resolve(segments[i]);
            BasicFileAttributes a = attributes(p);
            if (a != null && a.isSymbolicLink()) {
                throw UserError.of(p.toString(), "is a symbolic link; moducop does not write or remove through links", PLAIN_HINT);
            }
            if (a == null || !a.isDirectory()) {
                return;
            }
        }
    }

    /** Each directory on the way from {@code base} to {@code name} is a plain directory or does not exist yet. */
    private static void requireDirectories(Path base, String name) throws IOException {
        Path p = base;
        String[] segments = name.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            p = p.resolve(segments[i]);
            if (!requireDirectory(p)) {
                return;
            }
        }
    }

    /** True if {@code p} is a plain directory, false if it does not exist; refused if it is a link or something else. */
    private static boolean requireDirectory(Path p) throws IOException {
        return require(p, BasicFileAttributes::isDirectory, "is not a plain directory (a symbolic link or a file)");
    }

    private static void requireNoDirectory(Path p) throws IOException {
        require(p, a -> !a.isDirectory(), "is a directory where moducop keeps a file");
    }

    /** True if {@code p} is a regular file, false if it does not exist; refused if it is a link, directory or device. */
    private static boolean requireFile(Path p) throws IOException {
        return require(p, BasicFileAttributes::isRegularFile, "is not a regular file (a symbolic link, directory or device)");
    }

    /** True if {@code p} exists (not followed through a link) and {@code ok} accepts it, false if it does not exist; else refused. */
    private static boolean require(Path p, java.util.function.Predicate<BasicFileAttributes> ok, String problem) throws IOException {
        BasicFileAttributes a = attributes(p);
        if (a != null && !ok.test(a)) {
            throw UserError.of(p.toString(), problem, STATE_HINT);
        }
        return a != null;
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private Changes diff(SortedMap<String, byte[]> files) throws IOException {
        TreeSet<String> generatedBefore = readManifest(state.resolve("manifest"));
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            requireWritable(e.getKey());
            Path target = root.resolve(e.getKey());
            if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                added.add(e.getKey());
            } else if (Files.size(target) != e.getValue().length || !Arrays.equals(Files.readAllBytes(target), e.getValue())) {
                changed.add(e.getKey());
            } else {
                unchanged++;
            }
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

    /** Only a stage directory right under {@code .moducop/}; a link in it (or the stage itself as a link) is removed, not followed. */
    private void deleteTree(Path dir) throws IOException {
        if (!dir.getParent().equals(state) || !STAGE_DIR.matcher(dir.getFileName().toString()).matches()) {
            throw new IllegalArgumentException("not a stage directory: " + dir);
        }
        if (!exists(dir)) {
            return;
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir); // removes links, never follows them
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
