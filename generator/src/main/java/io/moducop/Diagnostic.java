package io.moducop;

/** One problem in a user-supplied file, printed as {@code file:line:col: message} plus a hint. */
public record Diagnostic(String file, int line, int column, String message, String hint) {

    public static Diagnostic of(String file, String message, String hint) {
        return new Diagnostic(file, 0, 0, message, hint);
    }

    public String format() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ").append(message);
        if (hint != null && !hint.isBlank()) {
            sb.append("\n  hint: ").append(hint);
        }
        return sb.toString();
    }
}
