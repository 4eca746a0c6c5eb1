package io.moducop.cli;

import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The profile files a command works on; none means the built-in default profile. */
final class ProfileArgs {

    @Parameters(paramLabel = "PROFILE", arity = "0..*",
            description = "Board profile YAML files (default: the built-in qemuarm64 profile).")
    List<Path> files = new ArrayList<>();

    /** Loads every profile, reporting the problems of all of them at once. */
    List<Profile> load() {
        if (files.isEmpty()) {
            return List.of(ProfileLoader.loadDefault());
        }
        List<Profile> profiles = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (Path f : files) {
            try {
                profiles.add(ProfileLoader.load(f));
            } catch (UserError e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        return profiles;
    }
}
