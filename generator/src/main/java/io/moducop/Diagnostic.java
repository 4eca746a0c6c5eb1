package io.moducop;

/** One problem in a user-supplied file, printed as {@code file:line:col: message} plus a hint. */
public record Diagnostic(String file, int line, int column, String message, String hint) {

    public static Diagnostic of(String file, String message, String hint) {
        return new Diagnostic(file, 0, 0, message, hint);
    }

    /** The text for the terminal: every part escaped, so a hostile value or file name cannot rewrite the screen. */
    public String format() {
        StringBuilder sb = new StringBuilder(escape(file));
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ").append(escape(message));
        if (hint != null && !hint.isBlank()) {
            sb.append("\n  hint: ").append(escape(hint));
        }
        return sb.toString();
    }

    /**
     * Control characters, line and paragraph separators, and invisible format characters (bidi
     * overrides and isolates, zero-width marks), lone surrogates and unassigned code points, shown as
     * backslash escapes: newline as backslash-n, U+202E as backslash-u202e.
     */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (visible(cp)) {
                        sb.appendCodePoint(cp);
                    } else {
                        for (char c : Character.toChars(cp)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        }
                    }
                }
            }
        });
        return sb.toString();
    }

    /** A path as printed anywhere: escaped like a message, since a file name may hold any character but / and NUL. */
    public static String escape(java.nio.file.Path p) {
        return escape(p == null ? null : p.toString());
    }

    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}
