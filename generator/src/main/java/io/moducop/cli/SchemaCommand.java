package io.moducop.cli;

import io.moducop.ExitCode;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "schema", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = "Print the JSON Schema of board profiles (what validate enforces).")
final class SchemaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try (InputStream in = SchemaCommand.class.getClassLoader().getResourceAsStream(ProfileLoader.SCHEMA_RESOURCE)) {
            spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            spec.commandLine().getOut().flush();
        }
        return ExitCode.OK;
    }
}
