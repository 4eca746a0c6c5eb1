package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code moducop <command>}. */
@Command(name = "moducop",
        mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Turns a YAML board profile into Yocto layers and a flashable image.",
                "Documentation: README.md and docs/ in the source tree."})
public final class Moducop implements Runnable {

    /**
     * The subcommands by name, in --help's order (then {@code help}). picocli reads a command's
     * annotations when it is added, most of a short run's start-up: a command line that starts
     * with a command's name gets only that one, which parses and prints the same.
     */
    private static final Map<String, Class<?>> COMMANDS = commands(ValidateCommand.class, GenerateCommand.class,
            SchemaCommand.class, BootTestCommand.class, BuildCommand.class, LockCommand.class, KeysCommand.class,
            FetchCommand.class, AppBundleCommand.class, RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Moducop());
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(named);
        } else {
            COMMANDS.values().forEach(cli::addSubcommand);
            cli.addSubcommand(CommandLine.HelpCommand.class);
        }
        cli.setOut(out); // after the subcommands: these settings reach the ones added so far
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError ue) {
                for (Diagnostic d : ue.diagnostics()) {
                    err.println(d.format());
                }
                err.flush();
                return ue.exitCode();
            }
            if (ex instanceof IoFailure io) {
                err.println(io.format());
                err.flush();
                return ExitCode.FAILED;
            }
            if (System.getenv("MODUCOP_DEBUG") != null) {
                throw ex;
            }
            err.println(Diagnostic.escape("moducop: internal error: " + ex) + " (MODUCOP_DEBUG=1 shows where; please report it)");
            err.flush();
            return ExitCode.FAILED;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println(Diagnostic.escape(ex.getMessage()));
            ex.getCommandLine().usage(err);
            return ExitCode.BAD_INPUT;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            byName.put(c.getAnnotation(Command.class).name(), c);
        }
        return byName;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Moducop.class.getPackage().getImplementationVersion();
            return new String[] {"moducop " + (v == null ? "dev" : v) + " (Yocto 6.0 wrynose, 5.0 scarthgap)"};
        }
    }
}
