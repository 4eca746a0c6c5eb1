package io.moducop.util;

import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.comments.CommentLine;
import org.yaml.snakeyaml.comments.CommentType;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Generated YAML, written by SnakeYAML's emitter from maps (in their iteration order), lists,
 * strings, integers, booleans and nulls: block style, two-space indent, one line per scalar.
 * A string is written plain only when it is a safe token; every other string is double-quoted,
 * so that YAML 1.1 readers (PyYAML: podman-compose, kas), SnakeYAML and YAML 1.2 readers all read
 * back the same string: a name such as {@code yes}, {@code null}, {@code 0o17} or
 * {@code 2024-01-01} stays text.
 */
public final class YamlWriter {

    /** Starts with a letter or _, so no number, date, sexagesimal, .inf, ~ or indicator; no space or : inside. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*");
    /** The booleans and nulls of YAML 1.1 (which has y and n) and 1.2 a safe token can spell, in any case. */
    private static final Set<String> WORDS = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

    private YamlWriter() {
    }

    /** Whether {@code s} is written without quotes. */
    public static boolean plain(String s) {
        return SAFE.matcher(s).matches() && !WORDS.contains(s.toLowerCase(Locale.ROOT));
    }

    public static String dump(Object tree) {
        return dump(tree, Map.of());
    }

    /** {@code comments}: the comment lines (without {@code #}) written before a key of the top-level mapping. */
    public static String dump(Object tree, Map<String, List<String>> comments) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        options.setMaxSimpleKeyLength(1024);
        options.setAllowUnicode(false);
        options.setDereferenceAliases(true);
        options.setLineBreak(DumperOptions.LineBreak.UNIX);
        options.setProcessComments(!comments.isEmpty());
        Yaml yaml = new Yaml(new Strings(options), options);
        Node root = yaml.represent(tree);
        if (!comments.isEmpty()) {
            for (NodeTuple t : ((MappingNode) root).getValue()) {
                List<String> lines = comments.get(((ScalarNode) t.getKeyNode()).getValue());
                if (lines != null) {
                    t.getKeyNode().setBlockComments(lines.stream()
                            .map(l -> new CommentLine(null, null, l.isEmpty() ? "" : " " + l, CommentType.BLOCK)).toList());
                }
            }
        }
        StringWriter out = new StringWriter();
        yaml.serialize(root, out);
        return out.toString();
    }

    /** Every string is !!str: plain when {@link #plain}, a literal block when it has several lines, else double-quoted. */
    private static final class Strings extends Representer {
        Strings(DumperOptions options) {
            super(options);
            representers.put(String.class, data -> {
                String s = (String) data;
                return representScalar(Tag.STR, s, plain(s) ? DumperOptions.ScalarStyle.PLAIN
                        : s.contains("\n") ? DumperOptions.ScalarStyle.LITERAL : DumperOptions.ScalarStyle.DOUBLE_QUOTED);
            });
        }
    }
}
