package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileWarnings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Generate the Yocto layers from profiles.",
                "meta-moducop (one machine per profile) and meta-moducop-distro."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:layers are up to date", "1:--check found stale files, or writing failed",
                "2:a profile, -o, or the state moducop keeps in -o/.moducop is invalid"})
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ProfileArgs profiles;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "build/layers",
            description = "Directory that receives meta-moducop and meta-moducop-distro (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--check", description = "Write nothing; list files that differ and exit 1 if any do.")
    boolean check;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Profile> loaded = profiles.load();
        SortedMap<String, byte[]> files = new LayerGenerator().generate(loaded);
        OutputTree tree = new OutputTree(output, LayerGenerator.LAYERS);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (check) {
            OutputTree.Changes c = tree.compare(files);
            c.added().forEach(f -> out.println("missing: " + Diagnostic.escape(output.resolve(f))));
            c.changed().forEach(f -> out.println("stale:   " + Diagnostic.escape(output.resolve(f))));
            c.removed().forEach(f -> out.println("extra:   " + Diagnostic.escape(output.resolve(f))));
            c.foreign().forEach(f -> out.println("foreign: " + Diagnostic.escape(output.resolve(f)) + " (not generated; left alone)"));
            if (tree.interrupted()) {
                out.println("interrupted: an earlier generate was stopped part way; run moducop generate to complete it");
            }
            boolean same = c.isEmpty() && !tree.interrupted();
            out.println(same ? "up to date: " + files.size() + " files in " + Diagnostic.escape(output)
                    : c.all().size() + " of " + files.size() + " files differ; run moducop generate");
            warn(loaded, err);
            return same ? ExitCode.OK : ExitCode.FAILED;
        }
        OutputTree.Changes c = tree.write(files, err::println);
        out.printf("%s: %d files (%d new, %d changed, %d removed, %d unchanged)%n", Diagnostic.escape(output), files.size(),
                c.added().size(), c.changed().size(), c.removed().size(), c.unchanged());
        warn(loaded, err);
        return ExitCode.OK;
    }

    /** After the work, so a failure stays the one line it is; the layers are written either way. */
    private static void warn(List<Profile> profiles, PrintWriter err) {
        profiles.forEach(p -> ProfileWarnings.of(p).forEach(w -> err.println(w.format())));
    }
}
