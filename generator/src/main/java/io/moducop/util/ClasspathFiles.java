package io.moducop.util;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Files shipped on the classpath (inside the jar, or in target/classes when run from the build). */
public final class ClasspathFiles {

    private ClasspathFiles() {
    }

    /** Names (relative to the classpath root) of the files below {@code dir} ending in {@code suffix}, sorted. */
    public static List<String> list(String dir, String suffix) {
        URL url = ClasspathFiles.class.getClassLoader().getResource(dir);
        if (url == null) {
            throw new IllegalStateException("missing resource directory " + dir);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                }
                return walk(fs.getPath("/" + dir), fs.getPath("/"), suffix);
            }
            Path root = Path.of(uri);
            Path base = root;
            for (String ignored : dir.split("/")) {
                base = base.getParent();
            }
            return walk(root, base, suffix);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    private static List<String> walk(Path dir, Path base, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> base.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }
}
