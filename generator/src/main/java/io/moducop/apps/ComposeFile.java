package io.moducop.apps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated compose file: the services (in file order) and the named volumes it declares. */
public record ComposeFile(List<Service> services, List<String> volumes) {

    /**
     * A command, entrypoint or health test as written: {@code shell} when it was one string
     * (compose splits it), else the argument list.
     */
    public record Argv(List<String> words, boolean shell) {

        Object yaml() {
            return shell ? words.get(0) : words;
        }
    }

    public record HealthCheck(Argv test, String interval, String timeout, String startPeriod, Integer retries) {
    }

    /** Optional settings are null (or empty) when the file does not give them. */
    public record Service(String name, ImageRef image, Argv command, Argv entrypoint, Map<String, String> environment,
            List<String> ports, List<String> volumes, List<String> dependsOn, String restart, String user,
            String workingDir, Boolean readOnly, HealthCheck healthcheck) {
    }

    /** The compose file as the device gets it, for {@link io.moducop.util.YamlWriter}: compose's keys in a fixed order, only those set. */
    public Map<String, Object> yaml() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (Service s : services) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", s.image().reference());
            put(m, "entrypoint", s.entrypoint() == null ? null : s.entrypoint().yaml());
            put(m, "command", s.command() == null ? null : s.command().yaml());
            put(m, "environment", s.environment());
            put(m, "ports", s.ports());
            put(m, "volumes", s.volumes());
            put(m, "depends_on", s.dependsOn());
            put(m, "restart", s.restart());
            put(m, "user", s.user());
            put(m, "working_dir", s.workingDir());
            put(m, "read_only", s.readOnly());
            HealthCheck h = s.healthcheck();
            if (h != null) {
                Map<String, Object> hm = new LinkedHashMap<>();
                hm.put("test", h.test().yaml());
                put(hm, "interval", h.interval());
                put(hm, "timeout", h.timeout());
                put(hm, "start_period", h.startPeriod());
                put(hm, "retries", h.retries());
                m.put("healthcheck", hm);
            }
            all.put(s.name(), m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("services", all);
        if (!volumes.isEmpty()) {
            Map<String, Object> v = new LinkedHashMap<>();
            volumes.forEach(n -> v.put(n, Map.of()));
            doc.put("volumes", v);
        }
        return doc;
    }

    /** Leaves out what the file does not set: null, or an empty list or map. */
    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null && !(value instanceof List<?> l && l.isEmpty()) && !(value instanceof Map<?, ?> e && e.isEmpty())) {
            m.put(key, value);
        }
    }

    /** Every image the application runs, each once, in service order. */
    public List<ImageRef> images() {
        return services.stream().map(Service::image).distinct().toList();
    }
}
