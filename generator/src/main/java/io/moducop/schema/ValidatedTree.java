package io.moducop.schema;

import java.util.Map;

/**
 * A YAML document after schema validation: plain Java values (maps, lists, strings, longs,
 * booleans) with the schema's defaults filled in, and where each value stood in the file,
 * keyed by its path ({@code board.name}, {@code overlays.persistent[1]}).
 */
public record ValidatedTree(String file, Map<String, Object> root, Map<String, Position> positions) {

    public Position positionOf(String path) {
        String p = path;
        while (true) {
            Position pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                return positions.getOrDefault("", Position.UNKNOWN);
            }
            p = p.substring(0, cut);
        }
    }

    @SuppressWarnings("unchecked")
    public Object get(String dottedPath) {
        Object cur = root;
        for (String part : dottedPath.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = ((Map<String, Object>) m).get(part);
        }
        return cur;
    }

    public String string(String path) {
        return (String) get(path);
    }

    public long integer(String path) {
        return (Long) get(path);
    }

    public boolean bool(String path) {
        return (Boolean) get(path);
    }

    @SuppressWarnings("unchecked")
    public java.util.List<String> strings(String path) {
        return (java.util.List<String>) get(path);
    }
}
