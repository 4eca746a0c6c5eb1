package io.moducop.apps;

import java.util.Objects;

/**
 * One application of a profile: its name (systemd instance and compose project), its compose
 * file and the seconds it has to become healthy. {@code composeSource} is the path as the profile
 * gave it, for messages only, so equality leaves it out: profiles that reach one compose file by
 * different paths share one distro layer ({@link io.moducop.model.LayerModel} compares the
 * applications of every profile).
 */
public record App(String name, String composeSource, ComposeFile compose, int healthTimeout) {

    @Override
    public boolean equals(Object o) {
        return o instanceof App a && name.equals(a.name) && compose.equals(a.compose) && healthTimeout == a.healthTimeout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, compose, healthTimeout);
    }
}
