package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.profile.ProfileLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rauc install http://... reads the bundle through a network block device: the distro loads nbd at
 * boot where the kernel has it as a module (nbd.ko has no netlink alias, so RAUC's first use does not
 * load it); linux-yocto gets it built in from meta-rauc's rauc.cfg, where the line does nothing.
 */
class RaucStreamingLayerTest {

    private static String distroConf(String profile) {
        return new String(new LayerGenerator().generate(List.of(ProfileLoader.parse("p.yaml", profile)))
                .get("meta-moducop-distro/conf/distro/moducop.conf"), StandardCharsets.UTF_8);
    }

    @Test
    void theDistroLoadsNbdOnlyWhereRaucStreams() {
        String rauc = distroConf("board: { name: moducop-x, base: raspberrypi4-64 }\nstorage: { table: msdos }\n");
        assertTrue(rauc.contains("\nKERNEL_MODULE_AUTOLOAD:append = \" nbd\"\n"), rauc);
        String none = distroConf("board: { name: moducop-x, base: raspberrypi4-64 }\nstorage: { table: msdos }\nota: { client: none }\n");
        assertFalse(none.contains("KERNEL_MODULE_AUTOLOAD"), none);
    }
}
