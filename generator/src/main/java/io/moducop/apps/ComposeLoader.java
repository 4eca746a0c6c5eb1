package io.moducop.apps;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.schema.Position;
import io.moducop.schema.SchemaValidator;
import io.moducop.schema.ValidatedTree;
import io.moducop.schema.YamlSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads an application's compose file: YAML, then compose.schema.json, then what a schema cannot say. */
public final class ComposeLoader {

    public static final String SCHEMA_RESOURCE = "profiles/compose.schema.json";

    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource(SCHEMA_RESOURCE);

    private ComposeLoader() {
    }

    public static SchemaValidator schema() {
        return SCHEMA;
    }

    /** {@code displayName} names the file in messages (the path as the profile's directory and entry give it). */
    public static ComposeFile load(Path file, String displayName) {
        return parse(displayName, YamlSource.read(file, displayName, "a compose file"));
    }

    @SuppressWarnings("unchecked")
    public static ComposeFile parse(String name, String text) {
        ValidatedTree t = SCHEMA.validate(name, YamlSource.parse(name, text, "an application needs a 'services:' section"));
        List<Diagnostic> errors = new ArrayList<>();
        Map<String, Object> services = (Map<String, Object>) t.get("services");
        List<String> volumes = List.copyOf(((Map<String, Object>) t.get("volumes")).keySet());
        if (services.isEmpty()) {
            errors.add(at(t, "services", "the application has no service", "add one under services:, e.g. web: { image: ... }"));
        }
        List<ComposeFile.Service> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            String path = "services." + e.getKey();
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            ImageRef image = ImageRef.parse((String) s.get("image"));
            if (image.registry() == null) {
                errors.add(at(t, path + ".image", "image " + image.reference() + " names no registry",
                        "write it in full, e.g. docker.io/library/" + image.reference() + ": a short name would depend on the device's registries.conf"));
            }
            List<String> ports = (List<String>) s.getOrDefault("ports", List.of());
            for (int i = 0; i < ports.size(); i++) {
                String why = portProblem(ports.get(i));
                if (why != null) {
                    errors.add(at(t, path + ".ports[" + i + "]", why, "ports are 1 to 65535, addresses four numbers 0 to 255"));
                }
            }
            List<String> mounts = (List<String>) s.getOrDefault("volumes", List.of());
            Set<String> targets = new HashSet<>();
            for (int i = 0; i < mounts.size(); i++) {
                String[] f = mounts.get(i).split(":");
                if (!volumes.contains(f[0])) {
                    errors.add(at(t, path + ".volumes[" + i + "]", "volume '" + f[0] + "' is not declared under the top-level volumes",
                            "add it: volumes: { " + f[0] + ": {} }"));
                }
                if (!targets.add(f[1])) {
                    errors.add(at(t, path + ".volumes[" + i + "]", "two volumes are mounted on " + f[1], "mount one volume per path"));
                }
            }
            List<String> deps = (List<String>) s.getOrDefault("depends_on", List.of());
            for (int i = 0; i < deps.size(); i++) {
                if (!services.containsKey(deps.get(i)) || deps.get(i).equals(e.getKey())) {
                    errors.add(at(t, path + ".depends_on[" + i + "]", deps.get(i).equals(e.getKey())
                            ? "service " + e.getKey() + " depends on itself" : "no service named '" + deps.get(i) + "'",
                            "name another service of this file: " + String.join(", ", services.keySet())));
                }
            }
            Map<String, String> env = environment(t, path, s.get("environment"), errors);
            Map<String, Object> hc = (Map<String, Object>) s.get("healthcheck");
            ComposeFile.HealthCheck health = hc == null ? null : new ComposeFile.HealthCheck(argv(hc.get("test")),
                    (String) hc.get("interval"), (String) hc.get("timeout"), (String) hc.get("start_period"),
                    hc.get("retries") == null ? null : ((Long) hc.get("retries")).intValue());
            if (health != null && !health.test().shell()) {
                List<String> w = health.test().words();
                if (w.isEmpty() || !List.of("CMD", "CMD-SHELL", "NONE").contains(w.get(0))) {
                    errors.add(at(t, path + ".healthcheck.test", "a health test list starts with CMD, CMD-SHELL or NONE",
                            "e.g. [\"CMD\", \"wget\", \"-q\", \"-O-\", \"http://127.0.0.1:8080/\"]"));
                }
            }
            out.add(new ComposeFile.Service(e.getKey(), image, argv(s.get("command")),
                    argv(s.get("entrypoint")), env, List.copyOf(ports), List.copyOf(mounts), List.copyOf(deps),
                    (String) s.get("restart"), (String) s.get("user"), (String) s.get("working_dir"),
                    (Boolean) s.get("read_only"), health));
        }
        String cycle = cycle(out);
        if (cycle != null) {
            errors.add(at(t, "services", "depends_on goes round in a circle: " + cycle, "services must start in some order"));
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        return new ComposeFile(List.copyOf(out), volumes);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(ValidatedTree t, String path, Object env, List<Diagnostic> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            ((Map<String, String>) m).forEach(out::put);
        } else if (env instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String kv = (String) l.get(i);
                String key = kv.substring(0, kv.indexOf('='));
                if (out.put(key, kv.substring(kv.indexOf('=') + 1)) != null) {
                    errors.add(at(t, path + ".environment[" + i + "]", key + " is set twice", "set each variable once"));
                }
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static ComposeFile.Argv argv(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof String s ? new ComposeFile.Argv(List.of(s), true) : new ComposeFile.Argv(List.copyOf((List<String>) v), false);
    }

    /** The schema checked the shape; here the numbers' ranges. */
    static String portProblem(String spec) {
        String[] f = spec.replaceFirst("/(tcp|udp)$", "").split(":");
        int first = 0;
        if (f.length == 3) {
            for (String octet : f[0].split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return "address " + f[0] + " is not an IPv4 address";
                }
            }
            first = 1;
        }
        for (int i = first; i < f.length; i++) {
            int port = Integer.parseInt(f[i]);
            if (port < 1 || port > 65535) {
                return "port " + f[i] + " is out of range";
            }
        }
        return null;
    }

    private static String cycle(List<ComposeFile.Service> services) {
        Map<String, List<String>> deps = new HashMap<>();
        services.forEach(s -> deps.put(s.name(), s.dependsOn()));
        Map<String, Integer> state = new HashMap<>();
        for (ComposeFile.Service s : services) {
            List<String> trail = new ArrayList<>();
            if (visit(s.name(), deps, state, trail)) {
                return String.join(" -> ", trail);
            }
        }
        return null;
    }

    /** Depth-first: 1 on the current path, 2 done; true (with the circle in {@code trail}) on a back edge. */
    private static boolean visit(String n, Map<String, List<String>> deps, Map<String, Integer> state, List<String> trail) {
        Integer st = state.get(n);
        if (st != null && st == 2) {
            return false;
        }
        trail.add(n);
        if (st != null) {
            trail.subList(0, trail.indexOf(n)).clear();
            return true;
        }
        state.put(n, 1);
        for (String d : deps.getOrDefault(n, List.of())) {
            if (deps.containsKey(d) && visit(d, deps, state, trail)) {
                return true;
            }
        }
        state.put(n, 2);
        trail.remove(trail.size() - 1);
        return false;
    }

    private static Diagnostic at(ValidatedTree t, String path, String message, String hint) {
        Position p = t.positionOf(path);
        return new Diagnostic(t.file(), p.line(), p.column(), message, hint);
    }
}
