package io.moducop.schema;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Checks a YAML node tree against a JSON Schema and turns it into plain values with defaults.
 *
 * <p>It interprets the subset of JSON Schema our schemas use (type, properties, required,
 * additionalProperties (false, or a schema for keys the user names, with propertyNames and
 * maxProperties), enum, const, pattern, maxLength, minimum, maximum, items, maxItems,
 * uniqueItems, anyOf, $ref into $defs, default). The schema file is the contract: editors use it
 * for completion and this class enforces exactly it, so the two cannot drift. A keyword it does
 * not understand is a programming error, not something silently ignored; so is a string without
 * maxLength or a list without maxItems.
 *
 * <p>Whatever the schema says, every scalar (keys too) is refused when it is longer than
 * {@link #MAX_SCALAR}, holds a control character or line break, or carries a YAML tag other than
 * the standard ones; lengths are checked before any pattern runs, and patterns must match the
 * whole value.
 */
public final class SchemaValidator {

    private static final Set<String> KNOWN_KEYWORDS = Set.of("$schema", "$id", "$ref", "$defs", "title",
            "description", "examples", "type", "properties", "required", "additionalProperties", "enum",
            "const", "pattern", "maxLength", "minimum", "maximum", "items", "maxItems", "uniqueItems", "anyOf",
            "default", "propertyNames", "maxProperties");

    /** No scalar in any input file may be longer, whatever its schema says. */
    public static final int MAX_SCALAR = 4096;

    /** A report lists this many problems; more are counted, not listed. */
    public static final int MAX_ERRORS = 50;

    /** YAML's standard tags, by the kind of node they may stand on. */
    private static final Map<NodeId, Set<Tag>> STANDARD_TAGS = Map.of(
            NodeId.scalar, Set.of(Tag.STR, Tag.INT, Tag.BOOL, Tag.FLOAT, Tag.NULL),
            NodeId.sequence, Set.of(Tag.SEQ),
            NodeId.mapping, Set.of(Tag.MAP));

    /** The words YAML 1.1 reads as booleans (an explicit !!bool may carry anything). */
    private static final Pattern BOOLEAN = Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    private static final Pattern TRUE = Pattern.compile("yes|Yes|YES|true|True|TRUE|on|On|ON");

    private final Map<String, Object> schema;
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    public SchemaValidator(Map<String, Object> schema) {
        this.schema = schema;
        checkKeywords(schema, "#");
        checkBounded(schema, "#");
    }

    public static SchemaValidator fromResource(String resource) {
        return new SchemaValidator(loadJson(resource));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> loadJson(String resource) {
        try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new Yaml(new LoaderOptions()).load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    public Map<String, Object> schema() {
        return schema;
    }

    /** Validates; throws a {@link UserError} listing every problem found. */
    @SuppressWarnings("unchecked")
    public ValidatedTree validate(String file, Node root) {
        Run run = new Run(file);
        Object value = run.check(schema, root, "");
        if (!run.errors.isEmpty()) {
            if (run.unlisted > 0) {
                run.errors.add(Diagnostic.of(file, run.unlisted + " more problems not listed", "fix the ones above first"));
            }
            throw new UserError(run.errors);
        }
        return new ValidatedTree(file, (Map<String, Object>) value, run.positions);
    }

    private final class Run {
        final String file;
        final List<Diagnostic> errors = new ArrayList<>();
        final Map<String, Position> positions = new LinkedHashMap<>();
        int unlisted;

        Run(String file) {
            this.file = file;
        }

        void error(Node node, String message, String hint) {
            if (errors.size() >= MAX_ERRORS) {
                unlisted++;
                return;
            }
            int line = node == null ? 0 : node.getStartMark().getLine() + 1;
            int col = node == null ? 0 : node.getStartMark().getColumn() + 1;
            errors.add(new Diagnostic(file, line, col, message, hint));
        }

        @SuppressWarnings("unchecked")
        Object check(Map<String, Object> s, Node node, String path) {
            s = resolve(s);
            positions.put(path, new Position(node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1));
            if (node.getAnchor() != null) {
                error(node, "anchors and aliases are not allowed", "write the value out in full");
                return null;
            }
            if (!plain(node, label(path))) {
                return null;
            }
            if (s.containsKey("anyOf")) {
                return checkAnyOf(s, node, path);
            }
            String type = (String) s.get("type");
            if (type == null && s.containsKey("enum")) {
                type = "string";
            }
            if (type == null && s.containsKey("const")) {
                type = "string";
            }
            if (type == null) {
                throw new IllegalStateException("schema at " + path + " has no type");
            }
            return switch (type) {
                case "object" -> checkObject(s, node, path);
                case "array" -> checkArray(s, node, path);
                case "string" -> checkString(s, node, path);
                case "integer" -> checkInteger(s, node, path);
                case "boolean" -> checkBoolean(s, node, path);
                case "null" -> checkNull(s, node, path);
                default -> throw new IllegalStateException("unsupported schema type " + type);
            };
        }

        /** The checks every node passes whatever its schema: standard tag; short single-line printable text. */
        boolean plain(Node node, String what) {
            if (!STANDARD_TAGS.getOrDefault(node.getNodeId(), Set.of()).contains(node.getTag())) {
                error(node, what + ": the YAML tag " + shortTag(node.getTag()) + " is not allowed",
                        "remove the tag; only YAML's standard tags !!str, !!int, !!bool, !!float, !!null, !!seq and !!map are accepted");
                return false;
            }
            if (!(node instanceof ScalarNode scalar)) {
                return true;
            }
            String v = scalar.getValue();
            if (v.length() > MAX_SCALAR) {
                error(node, what + " " + describe(node) + " is too long (" + v.length() + " characters, at most " + MAX_SCALAR + ")",
                        "every value in these files is short; remove the excess");
                return false;
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029') {
                    error(node, what + " " + describe(node) + " contains a control character or line break ("
                            + Diagnostic.escape(String.valueOf(c))
                            + " at character " + (i + 1) + ")", "a value is one line of printable text");
                    return false;
                }
            }
            return true;
        }

        Object checkAnyOf(Map<String, Object> s, Node node, String path) {
            List<Map<String, Object>> options = (List<Map<String, Object>>) s.get("anyOf");
            for (Map<String, Object> option : options) {
                Run trial = new Run(file);
                Object v = trial.check(option, node, path);
                if (trial.errors.isEmpty()) {
                    positions.putAll(trial.positions);
                    return v;
                }
            }
            error(node, label(path) + " " + describe(node) + " is not valid", expectation(s));
            return null;
        }

        Map<String, Object> checkObject(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof MappingNode map)) {
                error(node, label(path) + " must be a mapping (key: value), found " + kind(node), expectation(s));
                return null;
            }
            Map<String, Object> props = (Map<String, Object>) s.getOrDefault("properties", Map.of());
            Map<String, Object> named = s.get("additionalProperties") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            Number maxProperties = (Number) s.get("maxProperties");
            if (maxProperties != null && map.getValue().size() > maxProperties.intValue()) {
                error(node, label(path) + " has " + map.getValue().size() + " entries, at most " + maxProperties, expectation(s));
                return null;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : map.getValue()) {
                Node keyNode = t.getKeyNode();
                if (!(keyNode instanceof ScalarNode k) || keyNode.getTag().equals(Tag.MERGE)) {
                    error(keyNode, "keys must be plain names", "remove '<<' merges and complex keys");
                    continue;
                }
                if (!plain(keyNode, "a key in " + label(path))) {
                    continue;
                }
                String key = k.getValue();
                String childPath = path.isEmpty() ? key : path + "." + key;
                if (!seen.add(key)) {
                    error(keyNode, "duplicate key '" + key + "'", "each key may appear once; remove one of them");
                    continue;
                }
                Map<String, Object> childSchema = (Map<String, Object>) props.get(key);
                if (childSchema == null && named != null) {
                    Map<String, Object> names = (Map<String, Object>) s.get("propertyNames");
                    String p = (String) names.get("pattern");
                    if (key.length() > ((Number) names.get("maxLength")).intValue()
                            || !patterns.computeIfAbsent(p, Pattern::compile).matcher(key).matches()) {
                        error(keyNode, "the name " + describe(keyNode) + " in " + label(path) + " is not valid", expectation(names));
                        continue;
                    }
                    childSchema = named;
                }
                if (childSchema == null) {
                    error(keyNode, "unknown key '" + key + "'" + (path.isEmpty() ? "" : " in " + path),
                            DidYouMean.hint(key, props.keySet()));
                    continue;
                }
                if (t.getValueNode() instanceof ScalarNode sv && sv.getTag().equals(Tag.NULL) && !acceptsNull(childSchema)) {
                    error(t.getValueNode(), label(childPath) + " has no value", expectation(childSchema));
                    continue;
                }
                out.put(key, check(childSchema, t.getValueNode(), childPath));
            }
            for (Object r : (List<Object>) s.getOrDefault("required", List.of())) {
                if (!seen.contains((String) r)) {
                    error(node, "missing required key '" + r + "'" + (path.isEmpty() ? "" : " in " + path),
                            expectation(resolve((Map<String, Object>) props.get(r))));
                }
            }
            fillDefaults(s, out);
            return out;
        }

        List<Object> checkArray(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof SequenceNode seq)) {
                error(node, label(path) + " must be a list, found " + kind(node), expectation(s));
                return null;
            }
            Number maxItems = (Number) s.get("maxItems");
            if (maxItems != null && seq.getValue().size() > maxItems.intValue()) {
                error(node, label(path) + " has " + seq.getValue().size() + " entries, at most " + maxItems, expectation(s));
                return null;
            }
            Map<String, Object> items = (Map<String, Object>) s.get("items");
            List<Object> out = new ArrayList<>();
            Set<Object> seen = new HashSet<>();
            int i = 0;
            for (Node child : seq.getValue()) {
                String childPath = path + "[" + i++ + "]";
                Object v = check(items, child, childPath);
                if (Boolean.TRUE.equals(s.get("uniqueItems")) && v != null && !seen.add(v)) {
                    error(child, label(path) + " lists " + describe(child) + " twice", "remove the repeated entry");
                }
                out.add(v);
            }
            return out;
        }

        String checkString(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.STR)) {
                error(node, label(path) + " must be a string, found " + kind(node), expectation(s));
                return null;
            }
            String v = scalar.getValue();
            Number maxLength = (Number) s.get("maxLength");
            int length = v.codePointCount(0, v.length());
            if (maxLength != null && length > maxLength.intValue()) {
                error(node, label(path) + " " + describe(node) + " is too long (" + length + " characters, at most " + maxLength + ")",
                        expectation(s));
                return null;
            }
            if (s.containsKey("const") && !s.get("const").equals(v)) {
                error(node, label(path) + " must be \"" + s.get("const") + "\", found " + describe(node), null);
                return null;
            }
            if (s.containsKey("enum")) {
                List<String> allowed = ((List<Object>) s.get("enum")).stream().map(String::valueOf).toList();
                if (!allowed.contains(v)) {
                    error(node, label(path) + " " + describe(node) + " is not one of " + String.join(", ", allowed),
                            DidYouMean.hint(v, allowed));
                    return null;
                }
            }
            String p = (String) s.get("pattern");
            if (p != null && !patterns.computeIfAbsent(p, Pattern::compile).matcher(v).matches()) {
                error(node, label(path) + " " + describe(node) + " is not valid", expectation(s));
                return null;
            }
            return v;
        }

        Long checkInteger(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.INT)) {
                error(node, label(path) + " must be a whole number, found " + kind(node), expectation(s));
                return null;
            }
            long v;
            try {
                v = Long.parseLong(scalar.getValue().replace("_", ""));
            } catch (NumberFormatException e) {
                error(node, label(path) + " " + describe(node) + " is not a plain decimal number", expectation(s));
                return null;
            }
            Number min = (Number) s.get("minimum");
            Number max = (Number) s.get("maximum");
            if ((min != null && v < min.longValue()) || (max != null && v > max.longValue())) {
                error(node, label(path) + " is " + v + ", must be from " + (min == null ? "-" : min) + " to "
                        + (max == null ? "-" : max), (String) s.get("description"));
                return null;
            }
            return v;
        }

        Object checkNull(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.NULL)) {
                error(node, label(path) + " must be empty, found " + kind(node), (String) s.get("description"));
            }
            return null;
        }

        Boolean checkBoolean(Map<String, Object> s, Node node, String path) {
            if (!(node instanceof ScalarNode scalar) || !scalar.getTag().equals(Tag.BOOL)
                    || !BOOLEAN.matcher(scalar.getValue()).matches()) {
                error(node, label(path) + " must be true or false, found " + kind(node), (String) s.get("description"));
                return null;
            }
            return TRUE.matcher(scalar.getValue()).matches();
        }
    }

    @SuppressWarnings("unchecked")
    private boolean acceptsNull(Map<String, Object> raw) {
        Map<String, Object> s = resolve(raw);
        if ("null".equals(s.get("type"))) {
            return true;
        }
        List<Map<String, Object>> options = (List<Map<String, Object>>) s.get("anyOf");
        return options != null && options.stream().anyMatch(this::acceptsNull);
    }

    @SuppressWarnings("unchecked")
    private void fillDefaults(Map<String, Object> s, Map<String, Object> out) {
        Map<String, Object> props = (Map<String, Object>) s.getOrDefault("properties", Map.of());
        for (Map.Entry<String, Object> e : props.entrySet()) {
            if (!out.containsKey(e.getKey())) {
                Object d = defaultOf((Map<String, Object>) e.getValue());
                if (d != null) {
                    out.put(e.getKey(), d);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Object defaultOf(Map<String, Object> raw) {
        Map<String, Object> s = resolve(raw);
        Object d = raw.containsKey("default") ? raw.get("default") : s.get("default");
        if (d instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
            fillDefaults(s, copy);
            return copy;
        }
        if (d instanceof List<?> l) {
            return List.copyOf(l);
        }
        if (d instanceof Integer i) {
            return i.longValue();
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> resolve(Map<String, Object> s) {
        Object ref = s.get("$ref");
        if (ref == null) {
            return s;
        }
        String r = (String) ref;
        if (!r.startsWith("#/$defs/")) {
            throw new IllegalStateException("unsupported $ref " + r);
        }
        Map<String, Object> defs = (Map<String, Object>) schema.get("$defs");
        Map<String, Object> target = (Map<String, Object>) defs.get(r.substring("#/$defs/".length()));
        Map<String, Object> merged = new LinkedHashMap<>(target);
        s.forEach((k, v) -> {
            if (!k.equals("$ref")) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    @SuppressWarnings("unchecked")
    private String expectation(Map<String, Object> s) {
        if (s == null) {
            return null;
        }
        Map<String, Object> r = resolve(s);
        StringBuilder sb = new StringBuilder();
        if (r.get("description") != null) {
            sb.append(r.get("description"));
        }
        Object ex = r.get("examples");
        if (ex == null && r.get("anyOf") != null) {
            ex = ((List<Map<String, Object>>) r.get("anyOf")).stream()
                    .map(this::resolve)
                    .flatMap(o -> o.containsKey("const") ? java.util.stream.Stream.of(o.get("const"))
                            : ((List<Object>) o.getOrDefault("examples", List.of())).stream())
                    .toList();
        }
        if (ex instanceof List<?> l && !l.isEmpty()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("e.g. ").append(l.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        } else if (r.get("pattern") != null) {
            sb.append(sb.length() > 0 ? " " : "").append("must match ").append(r.get("pattern"));
        }
        return sb.toString();
    }

    private static String label(String path) {
        return path.isEmpty() ? "the file" : path;
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        Tag tag = node.getTag();
        String v = ((ScalarNode) node).getValue();
        if (tag.equals(Tag.INT) && Resolver.INT.matcher(v).matches()) {
            return "the number " + shortValue((ScalarNode) node);
        }
        if (tag.equals(Tag.FLOAT) && Resolver.FLOAT.matcher(v).matches()) {
            return "the floating-point number " + shortValue((ScalarNode) node);
        }
        if (tag.equals(Tag.BOOL) && BOOLEAN.matcher(v).matches()) {
            return "the boolean " + shortValue((ScalarNode) node);
        }
        if (tag.equals(Tag.NULL)) {
            return "nothing";
        }
        return describe(node);
    }

    private static String shortValue(ScalarNode node) {
        String v = node.getValue();
        return v.length() > 60 ? v.substring(0, 60) + "..." : v;
    }

    /** {@code !!binary}, {@code !foo}: a tag as it was written. */
    private static String shortTag(Tag tag) {
        String v = tag.getValue();
        return v.startsWith(Tag.PREFIX) ? "!!" + v.substring(Tag.PREFIX.length()) : v;
    }

    /** A scalar quoted for an error message, with control characters made visible. */
    static String describe(Node node) {
        if (!(node instanceof ScalarNode s)) {
            return kind(node);
        }
        StringBuilder sb = new StringBuilder("\"");
        String v = s.getValue();
        for (int i = 0; i < v.length() && i < 60; i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (v.length() > 60) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /** Every string has a length limit (or a fixed set of values), every list a size limit. */
    @SuppressWarnings("unchecked")
    private static void checkBounded(Object node, String where) {
        if (node instanceof Map<?, ?> m) {
            if ("string".equals(m.get("type")) && !m.containsKey("maxLength") && !m.containsKey("enum") && !m.containsKey("const")) {
                throw new IllegalStateException("string at " + where + " has no maxLength");
            }
            if ("array".equals(m.get("type")) && !m.containsKey("maxItems")) {
                throw new IllegalStateException("array at " + where + " has no maxItems");
            }
            if (m.get("additionalProperties") instanceof Map<?, ?> && (!m.containsKey("maxProperties")
                    || !(m.get("propertyNames") instanceof Map<?, ?> n) || !n.containsKey("maxLength") || !n.containsKey("pattern"))) {
                throw new IllegalStateException("object at " + where + " takes named keys without maxProperties or propertyNames"
                        + " with pattern and maxLength");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!"default".equals(e.getKey()) && !"examples".equals(e.getKey())) {
                    checkBounded(e.getValue(), where + "/" + e.getKey());
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                checkBounded(o, where);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkKeywords(Object node, String where) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (where.endsWith("/properties") || where.endsWith("/$defs")) {
                    checkKeywords(e.getValue(), where + "/" + k);
                    continue;
                }
                if (!KNOWN_KEYWORDS.contains(k)) {
                    throw new IllegalStateException("schema keyword " + k + " at " + where + " is not supported");
                }
                if (!k.equals("default") && !k.equals("examples") && !k.equals("enum") && !k.equals("const")) {
                    checkKeywords(e.getValue(), where + "/" + k);
                }
            }
        } else if (node instanceof List<?> l) {
            for (Object o : l) {
                checkKeywords(o, where);
            }
        }
    }
}
