package io.moducop.layer;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.PartitionLayout;
import io.moducop.profile.Profile;
import io.moducop.profile.Size;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders the two generated layers from one or more profiles: meta-moducop (BSP: one machine per
 * profile, its wks and boot script) and meta-moducop-distro (the moducop distro, image, overlay
 * init and container settings, shared by all machines). yocto-check-layer refuses a layer that is
 * both BSP and distro, hence two.
 */
public final class LayerGenerator {

    public static final String BSP_LAYER = "meta-moducop";
    public static final String DISTRO_LAYER = "meta-moducop-distro";
    public static final List<String> LAYERS = List.of(BSP_LAYER, DISTRO_LAYER);

    private static final String MACHINE_PLACEHOLDER = "@machine@";

    private final Templates templates = new Templates();
    private final List<String> bspTemplates = Templates.list("templates/" + BSP_LAYER);
    private final List<String> distroTemplates = Templates.list("templates/" + DISTRO_LAYER);
    private final List<String> wksTemplates = Templates.list("wks");

    /** Relative path (e.g. {@code meta-moducop/conf/layer.conf}) to content, sorted. */
    public SortedMap<String, byte[]> generate(List<Profile> profiles) {
        checkConsistent(profiles);
        SortedMap<String, byte[]> out = new TreeMap<>();
        Map<String, Object> shared = sharedModel(profiles);
        List<Map<String, Object>> machines = profiles.stream().map(p -> machineModel(shared, p)).toList();

        for (String t : bspTemplates) {
            if (t.contains(MACHINE_PLACEHOLDER)) {
                for (int i = 0; i < profiles.size(); i++) {
                    put(out, outputName(t, "templates/", profiles.get(i)), templates.render(t, machines.get(i)));
                }
            } else {
                put(out, outputName(t, "templates/", null), templates.render(t, shared));
            }
        }
        for (String t : distroTemplates) {
            put(out, outputName(t, "templates/", null), templates.render(t, shared));
        }
        for (int i = 0; i < profiles.size(); i++) {
            for (String t : wksTemplates) {
                put(out, BSP_LAYER + "/wic/" + profiles.get(i).board().name() + ".wks", templates.render(t, machines.get(i)));
            }
        }
        return out;
    }

    /** A template that renders to nothing (its content is conditional) produces no file. */
    private static void put(SortedMap<String, byte[]> out, String name, String content) {
        if (!content.isEmpty()) {
            out.put(name, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String outputName(String template, String prefix, Profile p) {
        String name = template.substring(prefix.length(), template.length() - ".ftl".length());
        return p == null ? name : name.replace(MACHINE_PLACEHOLDER, p.board().name());
    }

    private static Map<String, Object> sharedModel(List<Profile> profiles) {
        Profile first = profiles.get(0);
        List<String> sources = profiles.stream().map(Profile::source).distinct().toList();

        LinkedHashSet<String> depends = new LinkedHashSet<>();
        depends.add("core");
        LinkedHashMap<String, MachineConfig.SourceLayer> sourceLayers = new LinkedHashMap<>();
        List<PartitionLayout> layouts = new ArrayList<>();
        List<Map<String, Object>> sizes = new ArrayList<>();
        boolean rauc = profiles.stream().anyMatch(p -> p.ota().rauc());
        for (Profile p : profiles) {
            depends.addAll(p.base().layerCollections());
            p.sourceLayers().forEach(l -> sourceLayers.putIfAbsent(l.name(), l));
            PartitionLayout layout = p.layout();
            layouts.add(layout);
            sizes.add(Map.of(
                    "storage", Size.format(p.storage().size()),
                    "starts", layout.parts().stream().map(x -> x.start() / Size.MIB + " MiB").toList(),
                    "sizes", layout.parts().stream().map(x -> Size.format(x.size())).toList()));
        }

        Map<String, Object> bsp = new LinkedHashMap<>();
        bsp.put("profiles", profiles);
        bsp.put("machines", profiles.stream().map(p -> p.board().name()).toList());
        bsp.put("layerDepends", List.copyOf(depends));
        bsp.put("sourceLayers", List.copyOf(sourceLayers.values()));
        bsp.put("rauc", rauc);

        Map<String, Object> distro = new LinkedHashMap<>();
        distro.put("attempts", first.bootAttempts());
        distro.put("overlays", first.overlays());
        distro.put("containers", first.containers());
        distro.put("ota", first.ota());

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("header", header(sources));
        model.put("bsp", bsp);
        model.put("distro", distro);
        model.put("layouts", layouts);
        model.put("sizes", sizes);
        return model;
    }

    private static Map<String, Object> machineModel(Map<String, Object> shared, Profile p) {
        PartitionLayout layout = p.layout();
        Map<String, Object> model = new LinkedHashMap<>(shared);
        model.put("header", header(List.of(p.source())));
        model.put("p", p);
        model.put("m", p.base());
        model.put("env", p.base().ubootEnv());
        model.put("layout", layout);
        model.put("slotA", layout.part("rootA"));
        model.put("slotB", layout.part("rootB"));
        model.put("data", layout.part("data"));
        model.put("attempts", p.bootAttempts());
        model.put("description", Objects.requireNonNullElse(p.board().description(),
                "ModuCop A/B board based on " + p.base().name()));
        return model;
    }

    static String header(List<String> sources) {
        return "# Generated by moducop from " + String.join(", ", sources) + "; edit the profile, not this file.";
    }

    /** Machine names must differ; what the shared distro layer holds must agree. */
    private static void checkConsistent(List<Profile> profiles) {
        List<Diagnostic> errors = new ArrayList<>();
        Profile first = profiles.get(0);
        Map<String, Profile> byName = new LinkedHashMap<>();
        for (Profile p : profiles) {
            Profile clash = byName.putIfAbsent(p.board().name(), p);
            if (clash != null) {
                errors.add(Diagnostic.of(p.source(), "board.name '" + p.board().name() + "' is also used by " + clash.source(),
                        "each profile needs its own machine name"));
            }
            if (p == first) {
                continue;
            }
            differ(errors, p, first, "boot.attempts", p.bootAttempts(), first.bootAttempts());
            differ(errors, p, first, "overlays", p.overlays(), first.overlays());
            differ(errors, p, first, "containers", p.containers(), first.containers());
            differ(errors, p, first, "ota.client", p.ota().client(), first.ota().client());
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
    }

    private static void differ(List<Diagnostic> errors, Profile p, Profile first, String what, Object a, Object b) {
        if (!a.equals(b)) {
            errors.add(Diagnostic.of(p.source(), what + " differs from " + first.source()
                    + ", but all machines share one distro layer",
                    "give " + p.source() + " and " + first.source() + " the same " + what + ", or generate them into separate output directories"));
        }
    }
}
