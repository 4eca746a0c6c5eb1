package io.moducop.layer;

import io.moducop.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Brings an output directory to a generated set of files. Every changed file is first written
 * in full next to its target; only when all were written are they renamed into place (each
 * rename atomic), and stale files removed. A failure before that point removes the staged files
 * and leaves the previous layers exactly as they were. Unchanged files are not touched.
 */
public final class OutputTree {

    private static final String STAGED_SUFFIX = ".moducop-new";

    /** What a write or check found, as sorted relative paths. */
    public record Changes(List<String> added, List<String> changed, List<String> removed, int unchanged) {
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
    private final List<String> ownedDirs;

    public OutputTree(Path root, List<String> ownedDirs) {
        this.root = root;
        this.ownedDirs = ownedDirs;
    }

    public Changes compare(SortedMap<String, byte[]> files) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path target = root.resolve(e.getKey());
            if (!Files.isRegularFile(target)) {
                added.add(e.getKey());
            } else if (!Arrays.equals(read(target), e.getValue())) {
                changed.add(e.getKey());
            } else {
                unchanged++;
            }
        }
        List<String> removed = existing().stream().filter(f -> !files.containsKey(f)).toList();
        return new Changes(added, changed, removed, unchanged);
    }

    public Changes write(SortedMap<String, byte[]> files) {
        Changes changes = compare(files);
        List<Path> staged = new ArrayList<>();
        try {
            for (String name : concat(changes.added(), changes.changed())) {
                Path target = root.resolve(name);
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(target.getFileName() + STAGED_SUFFIX);
                staged.add(tmp);
                Files.write(tmp, files.get(name));
            }
        } catch (IOException e) {
            staged.forEach(OutputTree::deleteQuietly);
            throw UserError.of(root.toString(), "cannot write the layers: " + e.getMessage()
                    + "; nothing was changed", "check free space and permissions of the output directory", 1);
        }
        try {
            for (Path tmp : staged) {
                String n = tmp.getFileName().toString();
                Path target = tmp.resolveSibling(n.substring(0, n.length() - STAGED_SUFFIX.length()));
                move(tmp, target);
            }
            for (String name : changes.removed()) {
                Files.deleteIfExists(root.resolve(name));
            }
            pruneEmptyDirs();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return changes;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Files now under the owned layer directories, including leftovers of an interrupted run. */
    private List<String> existing() {
        TreeSet<String> names = new TreeSet<>();
        for (String dir : ownedDirs) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile)
                        .map(p -> root.relativize(p).toString().replace('\\', '/'))
                        .forEach(names::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(names);
    }

    private void pruneEmptyDirs() throws IOException {
        for (String dir : ownedDirs) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(d)) {
                dirs = s.filter(Files::isDirectory).sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            }
            for (Path p : dirs) {
                try (Stream<Path> s = Files.list(p)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a staged file that cannot be removed is harmless, the next run replaces it
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
