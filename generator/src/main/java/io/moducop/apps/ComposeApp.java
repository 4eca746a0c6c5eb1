package io.moducop.apps;

import java.util.List;
import java.util.Map;

/** A validated compose file: the services (in file order) and the named volumes it declares. */
public record ComposeApp(List<Service> services, List<String> volumes) {

    /**
     * A command, entrypoint or health test as written: {@code shell} when it was one string
     * (compose splits it), else the argument list.
     */
    public record Argv(List<String> words, boolean shell) {
    }

    public record HealthCheck(Argv test, String interval, String timeout, String startPeriod, Integer retries) {
    }

    /** Optional settings are null (or empty) when the file does not give them. */
    public record Service(String name, ImageRef image, Argv command, Argv entrypoint, Map<String, String> environment,
            List<String> ports, List<String> volumes, List<String> dependsOn, String restart, String user,
            String workingDir, Boolean readOnly, HealthCheck healthcheck) {
    }

    /** Every image the application runs, each once, in service order. */
    public List<ImageRef> images() {
        return services.stream().map(Service::image).distinct().toList();
    }
}
