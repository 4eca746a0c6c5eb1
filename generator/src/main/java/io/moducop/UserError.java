package io.moducop;

import java.util.List;

/**
 * The one error type for problems the user can fix (bad profile, missing tool, wrong option).
 * The CLI prints its diagnostics without a stack trace and exits with {@link #exitCode()}.
 */
public final class UserError extends RuntimeException {

    private final transient List<Diagnostic> diagnostics;
    private final int exitCode;

    public UserError(List<Diagnostic> diagnostics) {
        this(diagnostics, ExitCode.BAD_INPUT);
    }

    public UserError(List<Diagnostic> diagnostics, int exitCode) {
        super(diagnostics.isEmpty() ? "error" : diagnostics.get(0).format(), null, false, false);
        this.diagnostics = List.copyOf(diagnostics);
        this.exitCode = exitCode;
    }

    public static UserError of(String where, String message, String hint) {
        return new UserError(List.of(Diagnostic.of(where, message, hint)));
    }

    public static UserError of(String where, String message, String hint, int exitCode) {
        return new UserError(List.of(Diagnostic.of(where, message, hint)), exitCode);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public int exitCode() {
        return exitCode;
    }
}
