package io.moducop;

import io.moducop.cli.Moducop;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it printed. */
public record Cli(int exitCode, String out, String err) {

    public static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Moducop.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(rc, out.toString(), err.toString());
    }
}
