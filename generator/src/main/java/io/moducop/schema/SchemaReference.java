package io.moducop.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a JSON Schema of ours as a Markdown reference: one row per key in a summary table, then
 * one section per key with its type, default, allowed values, pattern, bounds, examples and
 * description. docs/profile-reference.md is this output for the profile schema, so the reference
 * cannot say anything the schema does not.
 */
public final class SchemaReference {

    private final Map<String, Object> schema;
    private final String source;
    private final String command;
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String key, Map<String, Object> node, boolean required) {}

    private SchemaReference(Map<String, Object> schema, String source, String command) {
        this.schema = schema;
        this.source = source;
        this.command = command;
    }

    /**
     * The reference of the schema on the class path at {@code resource}; {@code command} is the
     * command line that regenerates it, named in the output.
     */
    public static String markdown(String resource, String command) {
        return new SchemaReference(load(resource), resource, command).render();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(String resource) {
        try (InputStream in = SchemaReference.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new ObjectMapper().readValue(in, LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String render() {
        collect("", schema);
        StringBuilder md = new StringBuilder();
        md.append("# ").append(text(schema.get("title"))).append(" reference\n\n");
        md.append("<!-- Generated from ").append(source).append(" by `").append(command)
                .append("`. Do not edit: change the schema and run that command. -->\n\n");
        md.append(escape(text(schema.get("description")))).append("\n\n");
        md.append("Generated from `").append(source).append("`, the schema `validate` enforces (`")
                .append(command.replace(" --markdown", "")).append("` prints it).")
                .append(" Keys not listed here are refused. A key in a list of objects is written `list[].key`.\n\n");
        md.append("| key | type | default |\n| --- | --- | --- |\n");
        for (Entry e : entries) {
            md.append("| [`").append(e.key).append("`](#").append(anchor(e.key)).append(") | ")
                    .append(type(e.node).replace("|", "\\|")).append(" | ")
                    .append(e.required ? "required" : defaultOf(e.node).replace("|", "\\|")).append(" |\n");
        }
        for (Entry e : entries) {
            md.append("\n## `").append(e.key).append("`\n\n");
            Object description = e.node.get("description");
            if (description != null) {
                md.append(escape(text(description))).append("\n\n");
            }
            for (String fact : facts(e)) {
                String indent = fact.startsWith("  ") ? "  " : "";
                md.append(indent).append("- ").append(fact.substring(indent.length())).append('\n');
            }
        }
        return md.toString();
    }

    /** Every key, depth first in the schema's order; objects in lists as {@code list[].key}. */
    @SuppressWarnings("unchecked")
    private void collect(String prefix, Map<String, Object> node) {
        Map<String, Object> resolved = resolve(node);
        Map<String, Object> properties = (Map<String, Object>) resolved.get("properties");
        if (properties == null) {
            return;
        }
        List<String> required = (List<String>) resolved.getOrDefault("required", List.of());
        for (Map.Entry<String, Object> p : properties.entrySet()) {
            String key = prefix + p.getKey();
            Map<String, Object> child = resolve((Map<String, Object>) p.getValue());
            entries.add(new Entry(key, child, required.contains(p.getKey())));
            collect(key + ".", child);
            if (child.get("items") instanceof Map<?, ?> items) {
                collect(key + "[].", (Map<String, Object>) items);
            }
            if (child.get("additionalProperties") instanceof Map<?, ?> named) {
                collect(key + ".NAME.", (Map<String, Object>) named);
            }
        }
    }

    /** A node with its {@code $ref} followed: the node's own keywords win over the definition's. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> resolve(Map<String, Object> node) {
        Object ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        String prefix = "#/$defs/";
        if (!(ref instanceof String s) || !s.startsWith(prefix)) {
            throw new IllegalStateException("unsupported $ref " + ref);
        }
        Map<String, Object> defs = (Map<String, Object>) schema.get("$defs");
        Map<String, Object> merged = new LinkedHashMap<>(resolve((Map<String, Object>) defs.get(s.substring(prefix.length()))));
        node.forEach((k, v) -> {
            if (!k.equals("$ref")) {
                merged.put(k, v);
            }
        });
        return merged;
    }

    @SuppressWarnings("unchecked")
    private String type(Map<String, Object> raw) {
        Map<String, Object> node = resolve(raw);
        if (node.get("enum") instanceof List<?> values) {
            return values.stream().map(v -> "`" + v + "`").collect(Collectors.joining(" or "));
        }
        if (node.containsKey("const")) {
            return "`" + node.get("const") + "`";
        }
        if (node.get("anyOf") instanceof List<?> alternatives) {
            return alternatives.stream().map(a -> type((Map<String, Object>) a)).collect(Collectors.joining(" or "));
        }
        String type = String.valueOf(node.get("type"));
        if (type.equals("array") && node.get("items") instanceof Map<?, ?> items) {
            Map<String, Object> item = resolve((Map<String, Object>) items);
            return "list of " + (item.containsKey("properties") ? "objects" : type(item) + "s");
        }
        return type;
    }

    @SuppressWarnings("unchecked")
    private List<String> facts(Entry e) {
        Map<String, Object> node = e.node;
        List<String> facts = new ArrayList<>();
        facts.add("Type: " + type(node) + ".");
        if (e.required) {
            facts.add("Required.");
        } else if (node.containsKey("default") && !"object".equals(node.get("type"))) {
            facts.add("Default: " + defaultOf(node) + ".");
        }
        constraints(node, "", facts);
        if (node.get("anyOf") instanceof List<?> alternatives) {
            for (Object a : alternatives) {
                Map<String, Object> alternative = resolve((Map<String, Object>) a);
                List<String> sub = new ArrayList<>();
                constraints(alternative, "  ", sub);
                if (!sub.isEmpty()) {
                    facts.add("As " + type(alternative) + ":");
                    facts.addAll(sub);
                }
            }
        }
        if (node.get("items") instanceof Map<?, ?> items) {
            Map<String, Object> item = resolve((Map<String, Object>) items);
            if (!item.containsKey("properties")) {
                facts.add("Each item:" + (item.get("description") instanceof String d ? " " + escape(d) : ""));
                constraints(item, "  ", facts);
            }
        }
        if (node.get("propertyNames") instanceof Map<?, ?> names) {
            Map<String, Object> name = resolve((Map<String, Object>) names);
            facts.add("Keys: names of your choice (NAME below)" + (name.get("description") instanceof String d ? ". " + escape(d) : "."));
            constraints(name, "  ", facts);
            if (node.get("maxProperties") instanceof Number n) {
                facts.add("At most " + n + " entries.");
            }
        }
        if (node.get("properties") instanceof Map<?, ?> properties) {
            facts.add("Keys: " + properties.keySet().stream().map(k -> "[`" + k + "`](#" + anchor(e.key + "." + k) + ")")
                    .collect(Collectors.joining(", ")) + "; no others.");
        }
        return facts;
    }

    /** The node's own bounds, each a list item; {@code indent} nests them under the item before. */
    private static void constraints(Map<String, Object> node, String indent, List<String> facts) {
        if (node.get("pattern") instanceof String pattern) {
            facts.add(indent + "Pattern (the whole value must match): `" + pattern + "`.");
        }
        if (node.get("maxLength") instanceof Number n) {
            facts.add(indent + "Length: at most " + n + " characters.");
        }
        if (node.get("minimum") instanceof Number min && node.get("maximum") instanceof Number max) {
            facts.add(indent + "Range: " + min + " to " + max + ".");
        } else if (node.get("minimum") instanceof Number min) {
            facts.add(indent + "Range: at least " + min + ".");
        } else if (node.get("maximum") instanceof Number max) {
            facts.add(indent + "Range: at most " + max + ".");
        }
        if (node.get("maxItems") instanceof Number n) {
            facts.add(indent + "Items: at most " + n + (Boolean.TRUE.equals(node.get("uniqueItems")) ? ", no two the same." : "."));
        }
        if (node.get("examples") instanceof List<?> examples && !examples.isEmpty()) {
            facts.add(indent + "Examples: " + examples.stream().map(x -> "`" + yaml(x) + "`").collect(Collectors.joining(", ")) + ".");
        }
    }

    private static String defaultOf(Map<String, Object> node) {
        if ("object".equals(node.get("type"))) {
            return "—";
        }
        if (!node.containsKey("default")) {
            return "none";
        }
        return "`" + yaml(node.get("default")) + "`";
    }

    /** A value as it would be written in a profile (YAML flow style). */
    private static String yaml(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(SchemaReference::yaml).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(m -> m.getKey() + ": " + yaml(m.getValue())).collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(value);
    }

    /** The fragment GitHub gives a heading that is just {@code `key`}. */
    private static String anchor(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    /** Prose from the schema, with what Markdown would read as HTML escaped. */
    private static String escape(String prose) {
        return prose.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
