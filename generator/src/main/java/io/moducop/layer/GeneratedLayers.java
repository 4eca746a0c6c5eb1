package io.moducop.layer;

import io.moducop.model.Install;
import io.moducop.model.LayerModel;
import io.moducop.model.Machine;
import io.moducop.profile.Profile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;

/**
 * The generated layers together with the model they were made from, so that boot-test takes a
 * machine's boot script, wks and installed files through the model instead of by path.
 */
public record GeneratedLayers(LayerModel model, SortedMap<String, byte[]> files) {

    public static GeneratedLayers of(List<Profile> profiles) {
        LayerModel model = LayerModel.of(profiles);
        return new GeneratedLayers(model, new LayerGenerator().generate(model));
    }

    public Machine machine(String name) {
        return model.machines().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no machine " + name));
    }

    /** The boot.cmd source moducop-boot compiles into boot.scr. */
    public String bootScript(String machine) {
        return text(LayerGenerator.BSP_LAYER + "/recipes-bsp/moducop-boot/files/" + machine + "/boot.cmd");
    }

    /** The machine's .wks, wherever its release keeps it. */
    public String wks(String machine) {
        return text(LayerGenerator.BSP_LAYER + "/" + model.distro().release().wksDir() + "/" + machine + ".wks");
    }

    /** The generated files the machine's root file system holds, and where the recipes install them. */
    public List<Install> installs(String machine) {
        return LayerGenerator.installs(model, machine(machine));
    }

    /** The content of the installed file named {@code name} (e.g. moducop-init, system.conf). */
    public String installed(String machine, String name) {
        return installs(machine).stream().filter(i -> !i.directory() && i.name().equals(name)).findFirst()
                .map(i -> text(i.file()))
                .orElseThrow(() -> new IllegalArgumentException(machine + " installs no generated " + name));
    }

    public String text(String path) {
        byte[] b = files.get(path);
        if (b == null) {
            throw new IllegalArgumentException("not generated: " + path);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
