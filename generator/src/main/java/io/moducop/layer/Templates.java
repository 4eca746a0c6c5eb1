package io.moducop.layer;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The FreeMarker templates under templates/ and wks/ (on the classpath, so inside the jar).
 * Square-bracket syntax ({@code [=x]}, {@code [#if]}) keeps bitbake's and the shell's
 * {@code ${...}} literal in the templates.
 */
final class Templates {

    private final Configuration config;

    Templates() {
        config = new Configuration(Configuration.VERSION_2_3_34);
        config.setClassLoaderForTemplateLoading(Templates.class.getClassLoader(), "");
        config.setTagSyntax(Configuration.SQUARE_BRACKET_TAG_SYNTAX);
        config.setInterpolationSyntax(Configuration.SQUARE_BRACKET_INTERPOLATION_SYNTAX);
        config.setDefaultEncoding("UTF-8");
        config.setLocale(Locale.ROOT);
        config.setNumberFormat("computer");
        config.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        config.setLogTemplateExceptions(false);
        config.setWrapUncheckedExceptions(true);
        config.setFallbackOnNullLoopVariable(false);
    }

    String render(String name, Object model) {
        try {
            Template t = config.getTemplate(name);
            StringWriter out = new StringWriter();
            t.process(model, out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TemplateException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessage(), e);
        }
    }

    /** Template names (relative to the classpath root) below the directories, sorted. */
    static List<String> list(String... dirs) {
        return java.util.Arrays.stream(dirs).flatMap(d -> listOne(d).stream()).sorted().toList();
    }

    private static List<String> listOne(String dir) {
        URL url = Templates.class.getClassLoader().getResource(dir);
        if (url == null) {
            throw new IllegalStateException("missing template directory " + dir);
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
                return walk(fs.getPath("/" + dir), fs.getPath("/"));
            }
            Path root = Path.of(uri);
            Path base = root;
            for (String ignored : dir.split("/")) {
                base = base.getParent();
            }
            return walk(root, base);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    private static List<String> walk(Path dir, Path base) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> base.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".ftl"))
                    .sorted()
                    .toList();
        }
    }
}
