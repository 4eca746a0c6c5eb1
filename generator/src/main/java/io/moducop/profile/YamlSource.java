package io.moducop.profile;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Parses one YAML document into snakeyaml's node tree, which keeps line and column of every value. */
public final class YamlSource {

    /** Profiles are a few hundred bytes; anything near this is not a profile. */
    private static final int MAX_CODE_POINTS = 256 * 1024;

    private YamlSource() {
    }

    public static Node parse(String displayName, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_CODE_POINTS);
        if (text.length() > MAX_CODE_POINTS) {
            throw UserError.of(displayName, "file is larger than " + MAX_CODE_POINTS / 1024 + " KiB", "a profile is a short YAML file");
        }
        try {
            Node node = new Yaml(options).compose(new StringReader(text));
            if (node == null) {
                throw UserError.of(displayName, "the file is empty", "a profile needs at least a 'board:' section");
            }
            return node;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String hint = problem.contains("aliases") ? "anchors and aliases are not allowed in profiles"
                    : "check the YAML syntax at this position";
            throw new UserError(List.of(new Diagnostic(displayName,
                    mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
                    "invalid YAML: " + firstLine(problem), hint)));
        } catch (YAMLException e) {
            throw UserError.of(displayName, "invalid YAML: " + firstLine(e.getMessage()),
                    e.getMessage() != null && e.getMessage().contains("aliases")
                            ? "anchors and aliases are not allowed in profiles" : "check the YAML syntax");
        }
    }

    public static String read(java.nio.file.Path file, String displayName) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw UserError.of(displayName, "the file is not valid UTF-8", "save the profile as UTF-8 text");
        } catch (java.nio.file.NoSuchFileException e) {
            throw UserError.of(displayName, "no such file", "give the path of a profile, e.g. profiles/qemuarm64.yaml");
        } catch (IOException e) {
            throw UserError.of(displayName, "cannot read the file: " + e.getMessage(), null);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
