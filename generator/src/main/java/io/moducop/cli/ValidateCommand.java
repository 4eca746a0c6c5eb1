package io.moducop.cli;

import io.moducop.ExitCode;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileWarnings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = "Check profiles against the schema and the board's constraints.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all profiles are valid (warnings, e.g. that nobody can log in, go to stderr)",
                "2:a profile is invalid (file:line:col: message)"})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ProfileArgs profiles;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (Profile p : profiles.load()) {
            spec.commandLine().getOut().printf("%s: ok (MACHINE %s on %s)%n", io.moducop.Diagnostic.escape(p.source()), p.board().name(), p.base().machine());
            ProfileWarnings.of(p).forEach(w -> spec.commandLine().getErr().println(w.format()));
        }
        return ExitCode.OK;
    }
}
