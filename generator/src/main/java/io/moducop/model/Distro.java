package io.moducop.model;

import io.moducop.apps.App;
import io.moducop.machine.Release;
import io.moducop.profile.Profile;
import java.util.List;

/**
 * What the shared distro layer is made from. Every machine generated into one pair of layers must
 * have the same value of each component; {@link LayerModel#of} checks that, component by component.
 */
public record Distro(
        @ProfileKey("yocto.release") Release release,
        @ProfileKey("boot.attempts") int bootAttempts,
        @ProfileKey("overlays") Profile.Overlays overlays,
        @ProfileKey("containers") Profile.Containers containers,
        @ProfileKey("login") Profile.Login login,
        @ProfileKey("ota.client") boolean rauc,
        @ProfileKey("apps") List<App> apps) {

    public static Distro of(Profile p) {
        return new Distro(p.release(), p.bootAttempts(), p.overlays(), p.containers(), p.login(), p.ota().rauc(), p.apps());
    }
}
