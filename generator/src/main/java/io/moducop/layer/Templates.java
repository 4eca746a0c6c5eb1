package io.moducop.layer;

import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import io.moducop.util.ClasspathFiles;
import java.util.List;
import java.util.Locale;

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
        return java.util.Arrays.stream(dirs).flatMap(d -> ClasspathFiles.list(d, ".ftl").stream()).sorted().toList();
    }
}
