package io.moducop.schema;

import io.moducop.IoFailure;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/** Parses one YAML document into snakeyaml's node tree, which keeps line and column of every value. */
public final class YamlSource {

    /** Profiles and lock files are a few hundred bytes; anything near this is not one. */
    public static final int MAX_BYTES = 256 * 1024;

    private YamlSource() {
    }

    /**
     * The standard implicit types without timestamps: an unquoted date is text, so the only way
     * to a non-standard tag is an explicit one, which the schema validator refuses.
     */
    private static final class PlainResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO", 10);
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<", 10);
            addImplicitResolver(Tag.NULL, NULL, "~nN\0", 10);
            addImplicitResolver(Tag.NULL, EMPTY, null, 10);
        }
    }

    public static Node parse(String displayName, String text) {
        return parse(displayName, text, "a profile needs at least a 'board:' section");
    }

    /** {@code emptyHint}: what the file needs at least, said when it is empty. */
    public static Node parse(String displayName, String text, String emptyHint) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_BYTES);
        // composing builds no objects, so any tag is harmless here; the schema validator refuses the non-standard ones
        options.setTagInspector(tag -> true);
        if (text.length() > MAX_BYTES) {
            throw UserError.of(displayName, "the file is larger than " + MAX_BYTES / 1024 + " KiB", "these are short YAML files");
        }
        try {
            Node node = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                    new PlainResolver(), options).getSingleNode();
            if (node == null) {
                throw UserError.of(displayName, "the file is empty", emptyHint);
            }
            return node;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            throw new UserError(List.of(new Diagnostic(displayName,
                    mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
                    "invalid YAML: " + firstLine(problem), hint(problem, "check the YAML syntax at this position"))));
        } catch (YAMLException e) {
            throw UserError.of(displayName, "invalid YAML: " + firstLine(e.getMessage()), hint(e.getMessage(), "check the YAML syntax"));
        }
    }

    /** Reads a YAML file through {@link BoundedFile}: problems are user errors naming the file. */
    public static String read(Path file, String displayName) {
        return read(file, displayName, "a profile, e.g. profiles/qemuarm64.yaml");
    }

    /** {@code what}: the kind of file expected, e.g. "a compose file". */
    public static String read(Path file, String displayName, String what) {
        byte[] bytes;
        try {
            bytes = BoundedFile.read(file, MAX_BYTES);
        } catch (NoSuchFileException e) {
            throw UserError.of(displayName, "no such file", "give the path of " + what);
        } catch (BoundedFile.Refused e) {
            throw UserError.of(displayName, "the file " + e.getMessage(), "give the path of a YAML file of at most "
                    + MAX_BYTES / 1024 + " KiB");
        } catch (IOException e) {
            throw UserError.of(displayName, "cannot read the file: " + IoFailure.reason(e), null);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw UserError.of(displayName, "the file is not valid UTF-8", "save the file as UTF-8 text");
        }
    }

    private static String hint(String problem, String otherwise) {
        return problem != null && problem.contains("aliases") ? "anchors and aliases are not allowed in profiles" : otherwise;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
