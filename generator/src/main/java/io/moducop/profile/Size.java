package io.moducop.profile;

import java.util.Locale;

/** Byte sizes written as {@code 64MiB}, {@code 2GiB}. */
public final class Size {
    public static final long KIB = 1024L;
    public static final long MIB = KIB * 1024;
    public static final long GIB = MIB * 1024;
    public static final long TIB = GIB * 1024;

    private Size() {
    }

    /** Parses a size the schema already accepted ({@code ^[1-9][0-9]*(KiB|MiB|GiB|TiB)$}). */
    public static long parse(String text) {
        String unit = text.substring(text.length() - 3);
        long n = Long.parseLong(text.substring(0, text.length() - 3));
        return switch (unit) {
            case "KiB" -> n * KIB;
            case "MiB" -> n * MIB;
            case "GiB" -> n * GIB;
            case "TiB" -> n * TIB;
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** Human form: whole units where exact ({@code 64 MiB}), else two decimals ({@code 6.94 GiB}). */
    public static String format(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        long[] factors = {TIB, GIB, MIB, KIB};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= factors[i]) {
                if (bytes % factors[i] == 0) {
                    return bytes / factors[i] + " " + units[i];
                }
                return String.format(Locale.ROOT, "%.2f %s", (double) bytes / factors[i], units[i]);
            }
        }
        return bytes + " B";
    }
}
