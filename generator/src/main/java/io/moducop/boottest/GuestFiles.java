package io.moducop.boottest;

import io.moducop.layer.LayerGenerator;
import io.moducop.profile.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the generated recipes install the generated files in the image, the ONE place boot-test
 * --system takes this from: generated file (as {@link LayerGenerator#generate} names it) to
 * target path and mode, read off the recipes' do_install (usrmerge: {@code ${base_sbindir}} is
 * /usr/sbin). When the generator provides a typed install manifest, {@link #of} becomes a
 * one-line switch to it.
 */
public final class GuestFiles {

    /** One installed file ({@code source} a generated path, or null for a recipe-made file) or directory. */
    public record Entry(String source, String target, int mode, byte[] content, boolean directory) {
    }

    private GuestFiles() {
    }

    public static List<Entry> of(Profile p, Map<String, byte[]> generated) {
        String machine = p.board().name();
        String distro = LayerGenerator.DISTRO_LAYER;
        String bsp = LayerGenerator.BSP_LAYER;
        List<Entry> out = new ArrayList<>();
        // moducop-init.bb: install -D -m 0755 moducop-init ${base_sbindir}/moducop-init; install -d /data
        file(out, generated, distro + "/recipes-core/moducop-init/files/moducop-init", "/usr/sbin/moducop-init", 0755);
        out.add(new Entry(null, "/data", 0755, null, true));
        // moducop-init.bb without RAUC: the mark-good script and unit (enabled by systemd.bbclass)
        optional(out, generated, distro + "/recipes-core/moducop-init/files/moducop-mark-good", "/usr/sbin/moducop-mark-good", 0755);
        optional(out, generated, distro + "/recipes-core/moducop-init/files/moducop-mark-good.service",
                "/usr/lib/systemd/system/moducop-mark-good.service", 0644);
        // container-host-config (meta-virtualization) installs these two to ${sysconfdir}/containers
        file(out, generated, distro + "/recipes-containers/container-host-config/files/storage.conf", "/etc/containers/storage.conf", 0644);
        file(out, generated, distro + "/recipes-containers/container-host-config/files/registries.conf", "/etc/containers/registries.conf", 0644);
        // moducop-container-config.bb
        file(out, generated, distro + "/recipes-containers/moducop-container-config/files/50-moducop.conf",
                "/etc/containers/containers.conf.d/50-moducop.conf", 0644);
        out.add(new Entry(null, "/etc/containers/nodocker", 0644, new byte[0], false));
        // moducop-boot.bb
        file(out, generated, bsp + "/recipes-bsp/moducop-boot/files/" + machine + "/fw_env.config", "/etc/fw_env.config", 0644);
        // rauc-conf.bbappend (meta-rauc's rauc-conf installs system.conf; the keyring comes from the build)
        optional(out, generated, bsp + "/dynamic-layers/rauc/recipes-core/rauc/files/" + machine + "/system.conf", "/etc/rauc/system.conf", 0644);
        return List.copyOf(out);
    }

    /** Units the generated recipes enable (systemd.bbclass: SYSTEMD_SERVICE with auto-enable). */
    public static List<String> enabledUnits(Map<String, byte[]> generated) {
        return generated.keySet().stream().anyMatch(k -> k.endsWith("/moducop-mark-good.service"))
                ? List.of("moducop-mark-good.service") : List.of();
    }

    private static void file(List<Entry> out, Map<String, byte[]> generated, String source, String target, int mode) {
        byte[] c = generated.get(source);
        if (c == null) {
            throw new IllegalStateException("the generator no longer writes " + source + ": update GuestFiles");
        }
        out.add(new Entry(source, target, mode, c, false));
    }

    private static void optional(List<Entry> out, Map<String, byte[]> generated, String source, String target, int mode) {
        if (generated.containsKey(source)) {
            file(out, generated, source, target, mode);
        }
    }
}
