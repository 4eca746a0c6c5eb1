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

    /**
     * Loads every profile, reporting the problems of all of them at once. Lock files
     * ({@code NAME.lock.yaml}) live beside their profiles, so {@code profiles/*.yaml} names them
     * too; they are never profiles and are passed over.
     */
    List<Profile> load() {
        List<Path> given = files.stream().filter(f -> !f.getFileName().toString().endsWith(".lock.yaml")).toList();
        if (files.isEmpty()) {
            return List.of(ProfileLoader.loadDefault());
        }
        if (given.isEmpty()) {
            throw UserError.of(files.get(0).toString(), "a lock file is not a profile", "name the profile it belongs to");
        }
        List<Profile> profiles = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (Path f : given) {
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
