package io.moducop;

import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The BSP layer generated for the built-in GRUB board (profiles/genericx86-64.yaml): the files of its boot flow the tests run. */
public record GrubBoardLayers(Path bsp) {

    public static final String MACHINE = "moducop-x86-64";

    /** Generates the board's layers into {@code dir}. */
    public static GrubBoardLayers generate(Path dir) {
        new OutputTree(dir, LayerGenerator.LAYERS).write(
                new LayerGenerator().generate(List.of(ProfileLoader.load(Path.of("profiles/genericx86-64.yaml")))), m -> { });
        return new GrubBoardLayers(dir.resolve(LayerGenerator.BSP_LAYER));
    }

    public Path grubCfg() {
        return bsp.resolve("recipes-bsp/moducop-grub/files/" + MACHINE + "/grub.cfg");
    }

    public String systemConf() throws IOException {
        return Files.readString(bsp.resolve("dynamic-layers/rauc/recipes-core/rauc/files/" + MACHINE + "/system.conf"));
    }

    public String machineConf() throws IOException {
        return Files.readString(bsp.resolve("conf/machine/" + MACHINE + ".conf"));
    }

    /** moducop-grub's do_compile commands that make grubenv in {@code ${B}}, as the recipe has them. */
    public List<String> grubenvCommands() throws IOException {
        return Files.readString(bsp.resolve("recipes-bsp/moducop-grub/moducop-grub.bb")).lines()
                .filter(l -> l.startsWith("    grub-editenv ${B}/grubenv ")).map(String::strip).toList();
    }
}
