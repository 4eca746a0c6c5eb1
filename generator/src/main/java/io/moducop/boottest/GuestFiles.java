package io.moducop.boottest;

import io.moducop.layer.LayerGenerator;
import io.moducop.machine.ReleaseFacts;
import io.moducop.model.Install;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the image's recipes put into the guest, where they put it: the generator's install manifest
 * ({@link io.moducop.layer.LayerGenerator#installs}), what our recipes' do_install makes without a
 * file of ours, and what the release's own recipes install and enable ({@link ReleaseFacts}).
 */
public final class GuestFiles {

    /**
     * One installed file ({@code source} a generated path, or null for a recipe-made file), directory,
     * or symbolic link ({@code linkTarget} not null; it replaces whatever the userland has there).
     */
    public record Entry(String source, String target, int mode, byte[] content, boolean directory, String linkTarget) {
        Entry(String source, String target, int mode, byte[] content, boolean directory) {
            this(source, target, mode, content, directory, null);
        }
    }

    private GuestFiles() {
    }

    /** {@code keyring}: the CA the build supplies when the profile names none (rauc-conf installs it beside system.conf). */
    public static List<Entry> of(GeneratedFiles gen, byte[] keyring) {
        List<Entry> out = new ArrayList<>();
        List<Install> installs = gen.layers().installs(gen.profile().board().name());
        for (Install i : installs) {
            if (i.directory()) {
                out.add(new Entry(null, i.path(), Integer.parseInt(i.mode(), 8), null, true));
            }
        }
        for (Install i : installs) {
            byte[] content = i.directory() ? null : gen.files().get(i.file());
            if (content != null) { // a test may have removed a file to show that a scenario notices
                out.add(new Entry(i.file(), i.path(), Integer.parseInt(i.mode(), 8), content, false));
            }
        }
        ReleaseFacts facts = gen.profile().release().facts();
        String keyringPath = facts.raucConfDir() + "/ca.cert.pem";
        if (gen.profile().ota().rauc() && keyring != null && installs.stream().noneMatch(i -> !i.directory() && i.path().equals(keyringPath))) {
            out.add(new Entry(null, keyringPath, 0644, keyring, false));
        }
        for (ReleaseFacts.File f : facts.files()) {
            out.add(new Entry(null, f.path(), 0644, f.content().getBytes(StandardCharsets.UTF_8), false));
        }
        for (ReleaseFacts.Link l : facts.links()) {
            out.add(new Entry(null, l.path(), 0777, null, false, l.target()));
        }
        // meta-virtualization's podman recipe (podman_git.bb do_install) silences the docker wrapper's notice with it
        out.add(new Entry(null, "/etc/containers/nodocker", 0644, new byte[0], false));
        return List.copyOf(out);
    }

    /** A system-preset file as systemd.bbclass writes it for one package. */
    public record PresetFile(String name, String content) {
    }

    /**
     * The image's {@code 98-PKG.preset} files: the release's packages' (SYSTEMD_SERVICE with
     * SYSTEMD_AUTO_ENABLE), with the units our recipes enable added to their package's; template
     * instances as systemd.bbclass writes them ({@code enable foo@.service a b}).
     */
    public static List<PresetFile> presets(GeneratedFiles gen) {
        Map<String, String> action = new TreeMap<>();
        Map<String, Set<String>> services = new TreeMap<>();
        for (ReleaseFacts.Preset p : gen.profile().release().facts().presets()) {
            action.put(p.pkg(), p.action());
            services.computeIfAbsent(p.pkg(), k -> new LinkedHashSet<>()).addAll(p.services());
        }
        for (LayerGenerator.EnabledUnit u : LayerGenerator.enabledUnits(gen.layers().model().distro(), gen.profile().base().bootLoader())) {
            action.putIfAbsent(u.recipe(), "enable");
            services.computeIfAbsent(u.recipe(), k -> new LinkedHashSet<>()).add(u.unit());
        }
        List<PresetFile> out = new ArrayList<>();
        services.forEach((pkg, units) -> {
            Map<String, List<String>> instances = new LinkedHashMap<>();
            for (String unit : units) {
                int at = unit.indexOf('@');
                if (at > 0 && !unit.contains("@.")) {
                    int dot = unit.lastIndexOf('.');
                    instances.computeIfAbsent(unit.substring(0, at + 1) + unit.substring(dot), k -> new ArrayList<>())
                            .add(unit.substring(at + 1, dot));
                } else {
                    instances.computeIfAbsent(unit, k -> new ArrayList<>());
                }
            }
            StringBuilder sb = new StringBuilder();
            instances.forEach((unit, names) -> sb.append(action.get(pkg)).append(' ').append(unit)
                    .append(names.isEmpty() ? "" : " " + String.join(" ", names)).append('\n'));
            out.add(new PresetFile("98-" + pkg + ".preset", sb.toString()));
        });
        return List.copyOf(out);
    }
}
