package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "generate", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = "Generate meta-moducop (one machine per profile) and meta-moducop-distro.",
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
        SortedMap<String, byte[]> files = new LayerGenerator().generate(profiles.load());
        OutputTree tree = new OutputTree(output, LayerGenerator.LAYERS);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (check) {
            OutputTree.Changes c = tree.compare(files);
            c.added().forEach(f -> out.println("missing: " + shown(output.resolve(f))));
            c.changed().forEach(f -> out.println("stale:   " + shown(output.resolve(f))));
            c.removed().forEach(f -> out.println("extra:   " + shown(output.resolve(f))));
            c.foreign().forEach(f -> out.println("foreign: " + shown(output.resolve(f)) + " (not generated; left alone)"));
            if (tree.interrupted()) {
                out.println("interrupted: an earlier generate was stopped part way; run moducop generate to complete it");
            }
            boolean same = c.isEmpty() && !tree.interrupted();
            out.println(same ? "up to date: " + files.size() + " files in " + shown(output)
                    : c.all().size() + " of " + files.size() + " files differ; run moducop generate");
            return same ? ExitCode.OK : ExitCode.FAILED;
        }
        OutputTree.Changes c = tree.write(files, err::println);
        out.printf("%s: %d files (%d new, %d changed, %d removed, %d unchanged)%n", shown(output), files.size(),
                c.added().size(), c.changed().size(), c.removed().size(), c.unchanged());
        return ExitCode.OK;
    }

    /** File names under the output directory are anyone's: shown escaped, never as terminal control sequences. */
    private static String shown(Path p) {
        return Diagnostic.escape(p.toString());
    }
}
