package io.moducop.boottest;

import io.moducop.model.Install;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated files in the guest exactly where the generated recipes install them: the
 * generator's install manifest ({@link io.moducop.layer.LayerGenerator#installs}), plus what the
 * recipes' do_install makes without a file of ours.
 */
public final class GuestFiles {

    /** One installed file ({@code source} a generated path, or null for a recipe-made file) or directory. */
    public record Entry(String source, String target, int mode, byte[] content, boolean directory) {
    }

    private GuestFiles() {
    }

    public static List<Entry> of(SystemScenarios.Generated gen) {
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
        // moducop-container-config.bb: podman's docker command prints a notice unless this exists
        out.add(new Entry(null, "/etc/containers/nodocker", 0644, new byte[0], false));
        return List.copyOf(out);
    }
}
