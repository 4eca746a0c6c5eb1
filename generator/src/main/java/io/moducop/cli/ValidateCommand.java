package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileWarnings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Check profiles against the schema and the board's constraints.",
                "With --board: base-board files against the board schema and its checks."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all profiles are valid (warnings, e.g. that nobody can log in, go to stderr)",
                "2:a profile or board file is invalid (file:line:col: message)"})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ProfileArgs profiles;

    @Option(names = "--board", paramLabel = "FILE",
            description = "A base-board file to check on its own (repeatable); with no PROFILE given, only these are checked.")
    List<Path> boards = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Diagnostic> errors = new ArrayList<>();
        for (Path b : boards) {
            try {
                MachineConfig c = MachineConfigs.load(b, b.toString());
                spec.commandLine().getOut().printf("%s: ok (base board %s, MACHINE %s, releases %s)%n", Diagnostic.escape(b.toString()),
                        c.name(), c.machine(), String.join(" ", c.layers().keySet().stream().map(r -> r.id()).toList()));
            } catch (UserError e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        if (!boards.isEmpty() && profiles.files.isEmpty()) {
            return ExitCode.OK;
        }
        for (Profile p : profiles.load()) {
            spec.commandLine().getOut().printf("%s: ok (MACHINE %s on %s)%n", io.moducop.Diagnostic.escape(p.source()), p.board().name(), p.base().machine());
            ProfileWarnings.of(p).forEach(w -> spec.commandLine().getErr().println(w.format()));
        }
        return ExitCode.OK;
    }
}
