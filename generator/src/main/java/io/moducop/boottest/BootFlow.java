package io.moducop.boottest;

import io.moducop.layer.GeneratedLayers;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.PartitionLayout;
import io.moducop.profile.Profile;
import java.util.List;

/** The generated files under test and the board facts the checks expect. */
public record BootFlow(String bootCmd, String overlayInit, int attempts, MachineConfig board, PartitionLayout layout,
        Profile.Overlays overlays) {

    /** The boot script and overlay init exactly as the generator writes them for {@code p}. */
    public static BootFlow of(Profile p) {
        return of(GeneratedLayers.of(List.of(p)), p);
    }

    /** The same from layers already generated (perhaps changed by a test) for {@code p}. */
    public static BootFlow of(GeneratedLayers layers, Profile p) {
        String m = p.board().name();
        return new BootFlow(layers.bootScript(m), layers.installed(m, "moducop-init"), p.bootAttempts(), p.base(), p.layout(),
                p.overlays());
    }
}
