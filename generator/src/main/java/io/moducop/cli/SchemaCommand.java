package io.moducop.cli;

import io.moducop.ExitCode;
import io.moducop.apps.ComposeLoader;
import io.moducop.profile.ProfileLoader;
import io.moducop.schema.SchemaReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "schema", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Print the JSON Schema that validate enforces.",
                "Board profiles by default; --board: base-board files; --compose: applications' compose files;",
                "--markdown: as a reference."})
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--compose", description = "The schema of an application's compose file (the part of Compose ModuCop accepts).")
    boolean compose;

    @Option(names = "--board", description = "The schema of a base-board file (board.base: boards/NAME.yaml; the built-in boards follow it too).")
    boolean board;

    @Option(names = "--markdown", description = "The schema as a Markdown reference instead of JSON "
            + "(docs/profile-reference.md is the profile schema's).")
    boolean markdown;

    @Override
    public Integer call() throws IOException {
        String resource = compose ? ComposeLoader.SCHEMA_RESOURCE
                : board ? io.moducop.machine.MachineConfigs.SCHEMA_RESOURCE : ProfileLoader.SCHEMA_RESOURCE;
        if (markdown) {
            spec.commandLine().getOut().print(SchemaReference.markdown(resource,
                    "./moducop schema " + (compose ? "--compose " : board ? "--board " : "") + "--markdown"));
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }
        try (InputStream in = SchemaCommand.class.getClassLoader().getResourceAsStream(resource)) {
            spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        }
        return ExitCode.OK;
    }
}
