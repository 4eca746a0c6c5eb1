package io.moducop.bitbake;

import io.moducop.profile.Profile;
import java.nio.file.Path;

/** Everything one {@code moducop build} needs, validated by the command; {@code images}: the image cache. */
public record BuildRequest(
        Profile profile,
        Path lockFile,
        BuildLayout layout,
        SourceMirrors mirrors,
        BuildSettings settings,
        String image,
        BuildUser user,
        boolean dryRun,
        long minFreeGib,
        boolean terminal,
        long progressIntervalMillis,
        Path images) {
}
