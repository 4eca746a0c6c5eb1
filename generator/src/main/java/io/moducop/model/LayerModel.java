package io.moducop.model;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import io.moducop.profile.Profile;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the two generated layers are made from: the distro-wide settings once, and the
 * machines sorted by name, so the order of profiles on the command line changes nothing.
 */
public record LayerModel(Distro distro, List<Machine> machines) {

    /** The boot loaders of the machines, each once, in {@link io.moducop.machine.MachineConfig.BootLoader}'s order. */
    public List<io.moducop.machine.MachineConfig.BootLoader> bootLoaders() {
        return machines.stream().map(m -> m.base().bootLoader()).distinct().sorted().toList();
    }


    public static LayerModel of(List<Profile> profiles) {
        List<Profile> sorted = profiles.stream()
                .sorted(Comparator.comparing((Profile p) -> p.board().name()).thenComparing(Profile::source))
                .toList();
        checkConsistent(sorted);
        return new LayerModel(Distro.of(sorted.get(0)), sorted.stream().map(Machine::of).toList());
    }

    /** The repositories the machines need, each once, in the order the base boards name them. */
    public List<MachineConfig.SourceLayer> sourceLayers() {
        Map<String, MachineConfig.SourceLayer> all = new LinkedHashMap<>();
        for (Machine m : machines) {
            m.base().layers(distro.release()).forEach(l -> all.putIfAbsent(l.name(), l));
        }
        if (distro.rauc()) {
            all.putIfAbsent("meta-rauc", distro.release().metaRauc());
        }
        return List.copyOf(all.values());
    }

    /** A kernel recipe other than linux-yocto that gets moducop's RAUC configuration fragment, in the layer that has it. */
    public record KernelFragment(String layer, String recipe) {
    }

    /**
     * The kernels needing the fragment, each once, sorted: those of the machines and those of every
     * built-in board. The built-in ones are always there, so that adding a built-in board to a layer
     * set changes no byte (layer.conf included) of what another board's build reads; each applies
     * only when its layer is in the build (BBFILES_DYNAMIC).
     */
    public List<KernelFragment> kernelFragments() {
        return java.util.stream.Stream.concat(machines.stream().map(m -> m.base().kernel()),
                        MachineConfigs.KNOWN.stream().map(id -> MachineConfigs.load(id).kernel()))
                .filter(MachineConfig.Kernel::needsRaucFragment)
                .map(k -> new KernelFragment(k.layer(), k.recipe())).distinct()
                .sorted(Comparator.comparing(KernelFragment::layer).thenComparing(KernelFragment::recipe)).toList();
    }

    /** The layers holding those kernels, each once, sorted: the fragments' BBFILES_DYNAMIC entries. */
    public List<String> kernelLayers() {
        return kernelFragments().stream().map(KernelFragment::layer).distinct().toList();
    }

    /** Machine names must differ; every distro-wide value must agree. */
    private static void checkConsistent(List<Profile> profiles) {
        List<Diagnostic> errors = new ArrayList<>();
        Profile first = profiles.get(0);
        Distro expected = Distro.of(first);
        Profile previous = null;
        for (Profile p : profiles) {
            if (previous != null && previous.board().name().equals(p.board().name())) {
                errors.add(Diagnostic.of(p.source(), "board.name '" + p.board().name() + "' is also used by "
                        + previous.source(), "each profile needs its own machine name"));
            }
            previous = p;
            Distro d = Distro.of(p);
            for (RecordComponent c : Distro.class.getRecordComponents()) {
                if (!Objects.equals(value(c, d), value(c, expected))) {
                    String key = c.getAnnotation(ProfileKey.class).value();
                    errors.add(Diagnostic.of(p.source(), key + " differs from " + first.source()
                            + ", but all machines share one distro layer", "give " + p.source() + " and "
                            + first.source() + " the same " + key + ", or generate them into separate output directories"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
    }

    private static Object value(RecordComponent c, Distro d) {
        try {
            return c.getAccessor().invoke(d);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }
}
