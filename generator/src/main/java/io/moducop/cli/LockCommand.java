package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.bitbake.LockFile;
import io.moducop.bitbake.LockFileIO;
import io.moducop.bitbake.SourceCheckout;
import io.moducop.bitbake.SourceMirrors;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "lock", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Pin the layer repositories' commits in PROFILE.lock.yaml.",
                "Write or refresh PROFILE's lock file (PROFILE.lock.yaml beside it): the commit at the head of the "
                + "branch of every layer repository the board needs. moducop build checks out exactly these commits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:lock file written (or already up to date)", "2:bad input: profile, options",
                "9:a layer repository could not be read (its branch head is unknown)"})
final class LockCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PROFILE", description = "The board profile (one).")
    Path profileFile;

    @Option(names = "--lock", paramLabel = "FILE", description = "Lock file to write (default: PROFILE with .lock.yaml).")
    Path lockFile;

    @Mixin
    SourceOptions sources;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Profile profile = ProfileLoader.load(profileFile);
        SourceMirrors mirrors = sources.mirrors();
        Path target = lockFile != null ? lockFile : LockFile.pathFor(profileFile);
        PrintWriter out = spec.commandLine().getOut();
        List<LockFile.Entry> entries = new ArrayList<>();
        for (MachineConfig.SourceLayer l : profile.sourceLayers()) {
            String url = mirrors.fetchUrl(l.name(), l.url());
            String head = SourceCheckout.branchHead(l.name(), url, l.branch());
            entries.add(new LockFile.Entry(l.name(), l.url(), l.branch(), head));
            out.printf("%-22s %s %s%s%n", l.name(), l.branch(), head, url.equals(l.url()) ? "" : " (read from " + Diagnostic.escape(url) + ")");
        }
        boolean changed = LockFileIO.write(target, profile.board().name(), new LockFile(target.getFileName().toString(), entries));
        out.println((changed ? "wrote " : "up to date: ") + Diagnostic.escape(target));
        return ExitCode.OK;
    }

}
