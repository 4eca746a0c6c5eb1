package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.profile.ProfileLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * A profile with applications gets the artifact repository app bundles install into (RAUC 1.13
 * docs/integration.rst "Artifact Repository Configuration"): [artifacts.apps] in system.conf, its
 * directory made before rauc.service, GNU tar for RAUC's trees; a profile without gets none of it.
 */
class AppRepositoryLayerTest {

    private static String text(SortedMap<String, byte[]> files, String name) {
        byte[] b = files.get(name);
        assertTrue(b != null, name + " not generated; have " + files.keySet());
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aProfileWithAppsHasTheRepositoryItsDirectoryAndTar() {
        SortedMap<String, byte[]> out = new LayerGenerator().generate(List.of(ProfileLoader.load(Path.of("examples/web-app/board.yaml"))));
        String conf = out.entrySet().stream().filter(e -> e.getKey().endsWith("/system.conf")).map(e -> new String(e.getValue(),
                StandardCharsets.UTF_8)).findFirst().orElseThrow();
        assertTrue(conf.contains("\n[artifacts.apps]\npath=/data/moducop/app-repo\ntype=trees\n"), conf);
        assertTrue(conf.endsWith("\n[handlers]\npre-install=/usr/libexec/moducop-app-preinstall\n"
                + "post-install=/usr/libexec/moducop-app-postinstall\n"), conf);
        assertTrue(text(out, "meta-moducop-distro/recipes-core/moducop-init/files/moducop-init")
                .contains("mkdir -p \"$DATA/moducop/app-repo\""));
        assertTrue(text(out, "meta-moducop-distro/recipes-containers/moducop-apps/moducop-apps.bb")
                .contains("RDEPENDS:${PN} = \"podman podman-compose tar\"\n"));
    }

    @Test
    void aProfileWithoutAppsHasNone() {
        SortedMap<String, byte[]> out = new LayerGenerator().generate(List.of(ProfileLoader.loadDefault()));
        String conf = text(out, "meta-moducop/dynamic-layers/rauc/recipes-core/rauc/files/moducop-qemuarm64/system.conf");
        assertFalse(conf.contains("[artifacts."), conf);
        assertFalse(text(out, "meta-moducop-distro/recipes-core/moducop-init/files/moducop-init").contains("app-repo"));
    }
}
