package io.moducop.profile;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes written as {@code 64MiB}, {@code 2GiB}. */
public final class Size {
    public static final long KIB = 1024L;
    public static final long MIB = KIB * 1024;
    public static final long GIB = MIB * 1024;
    public static final long TIB = GIB * 1024;

    private Size() {
    }

    private static final Pattern FORM = Pattern.compile("([1-9][0-9]{0,5})(KiB|MiB|GiB|TiB)");

    /** Parses a size the schema already accepted (at most six digits, so it cannot overflow). */
    public static long parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "KiB" -> n * KIB;
            case "MiB" -> n * MIB;
            case "GiB" -> n * GIB;
            default -> n * TIB;
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
