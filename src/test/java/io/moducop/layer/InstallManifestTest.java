package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.model.Install;
import io.moducop.model.LayerModel;
import io.moducop.profile.ProfileLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** The install manifest names generated files that exist, and the recipes install exactly those. */
class InstallManifestTest {

    @Test
    void everyInstalledFileIsGeneratedAndItsRecipeInstallsItThere() throws Exception {
        LayerModel model = LayerModel.of(List.of(ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml"))));
        SortedMap<String, byte[]> files = new LayerGenerator().generate(model);
        List<Install> installs = LayerGenerator.installs(model, model.machines().get(0));
        assertTrue(installs.size() >= 6, installs.toString());
        for (Install i : installs) {
            assertTrue(i.directory() || files.containsKey(i.file()), i.file() + " is installed but not generated");
            assertTrue(i.path().startsWith("/"), i.path());
        }
        String init = new String(files.get("meta-moducop-distro/recipes-core/moducop-init/moducop-init.bb"), StandardCharsets.UTF_8);
        assertTrue(init.contains("install -D -m 0755 ${S}/moducop-init ${D}${base_sbindir}/moducop-init"), init);
        assertEquals("/usr/sbin/moducop-init", installs.stream().filter(i -> !i.directory() && i.name().equals("moducop-init"))
                .findFirst().orElseThrow().path());
        assertTrue(installs.stream().anyMatch(i -> i.directory() && i.path().equals("/uboot")), "uboot.mount's mount point");
        String boot = new String(files.get("meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb"), StandardCharsets.UTF_8);
        assertTrue(boot.contains("install -D -m 0644 ${S}/fw_env.config ${D}${sysconfdir}/fw_env.config"), boot);
    }
}
