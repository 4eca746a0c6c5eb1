package io.moducop.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a seed YAML file into a hostile variant: structure-aware mutations (values replaced by
 * hostile, long, control-character or tagged strings; sections added; anchors, aliases, deep
 * nesting) and byte-level ones (bit flips, inserted and deleted bytes, truncation, invalid UTF-8).
 */
final class Mutator {

    /** Values an attacker or a careless user would try; some are valid on purpose. */
    private static final List<String> HOSTILE = List.of(
            "docker.io\n", "/proc\n", "8GiB\n", "a\u2028b", "a\u2029b", "a\u0085b", "a\rb", "a\tb", "a\u0000b",
            "\u001b[2J\u001b]0;pwned\u0007", "x\u202egnp.yaml", "\u2066x\u2069", "\ufeffx", "é", "\ud83d\ude00",
            "$(reboot)", "`id`", "${@os.system('reboot')}", "\"; reboot; \"", "a'b", "a\"b", "x;reset", "a\\nb",
            "../../etc/ssl/certs/x.pem", "/", "//etc", "/etc/", "/etc/./x", "/etc/../x", "/var/log/journal",
            "/var/run/x", "/tmp/x", "/sbin/init", "/proc/1", "/usr/local", "/srv/data", "/home", "/etc",
            "-1", "0", "10", "99999999999999999999", "1e3", "0x10", "0o17", ".inf", "-.nan", "~", "null", "yes", "No",
            "on", "2001-12-14", "", " ", "  x  ", "#x", "- x", "? x", "*a", "&a x", "!x", "|", ">", "%TAG",
            "docker.io", "quay.io", "registry.example.com:5000", "registry.example.com:99999", "a..b", "-a.b",
            "4TiB", "2TiB", "3GiB", "64MiB", "63MiB", "1KiB", "1000000TiB", "rest", "gpt", "msdos", "mbr",
            "rauc", "none", "moducop-x", "env:MODUCOP_RAUC_KEY", "env:lower", "/secrets/k.pem", "keys/ca.cert.pem",
            "https://git.yoctoproject.org/poky", "https://x.org/poky;reboot", "file:///srv/git/poky",
            "1d54d1c4736a114e1cecbe85a0306e3814d5ce70", "1d54d1c4736a114e1cecbe85a0306e3814d5ce70\n",
            "1D54D1C4736A114E1CECBE85A0306E3814D5CE70", "scarthgap", "scarthgap\n", "poky", "meta-rauc");

    /** Values that pass somewhere: edited, they probe the whole-string checks. */
    private static final List<String> VALID = List.of("docker.io", "quay.io", "registry.example.com:5000", "/etc", "/srv/data",
            "/var/lib/docker", "8GiB", "64MiB", "1GiB", "2TiB", "rest", "gpt", "msdos", "rauc", "none", "3", "9", "true",
            "false", "moducop-x", "qemuarm64", "beaglebone-yocto", "ModuCop on a board (v2)", "env:MODUCOP_RAUC_KEY",
            "/secrets/k.pem", "1d54d1c4736a114e1cecbe85a0306e3814d5ce70", "https://git.yoctoproject.org/poky",
            "https://github.com/rauc/meta-rauc.git", "scarthgap", "poky", "meta-openembedded", "qemuarm64.yaml", "1");

    /** Line terminators, control and invisible characters. */
    private static final List<String> BREAKS = List.of("\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085", "\t", "\u0000",
            "\u001b", "\u007f", "\u202e", "\u200b", "\ufeff");

    private static final List<String> TAGS = List.of("!!str ", "!!int ", "!!bool ", "!!float ", "!!null ", "!foo ",
            "!!python/object:os.system ", "!!binary ", "!!timestamp ", "!!set ", "!!map ", "!!seq ", "! ",
            "!<tag:example.com,2000:x> ", "!!java.io.File ");

    private static final List<String> SECTIONS = List.of(
            "overlays: { persistent: [%s] }", "overlays: { volatile: [%s, %s] }", "containers: { registries: [%s] }",
            "containers: { docker-alias: %s, compose: %s }", "ota: { client: %s }", "ota: { compatible: %s }",
            "ota: { signing: { key: %s, cert: %s } }", "storage: { size: %s, table: %s }",
            "partitions: { data: { size: %s } }", "boot: { attempts: %s }", "board: { name: %s, base: qemuarm64 }",
            "board: { name: moducop-x, base: %s, description: %s }", "%s: 1", "repos: [%s]", "version: %s",
            "profile: %s");

    /** Where a value sits in a block or flow mapping: after "key: ". */
    private static final Pattern VALUE = Pattern.compile("(?<=: )[^\\s{}\\[\\],#][^{}\\[\\],#\\n]*");

    /** Characters that mean something to YAML. */
    private static final String SYNTAX = "\n\r\t :#-[]{}&*!|>'\"%@`,?";

    private final Random random;

    Mutator(Random random) {
        this.random = random;
    }

    /** A third each: one structural mutation; several, sometimes with byte-level ones; byte-level only. */
    byte[] mutate(String seed) {
        int mode = random.nextInt(3);
        String text = seed;
        int structural = mode == 0 ? 1 : mode == 1 ? 2 + random.nextInt(3) : 0;
        for (int i = 0; i < structural; i++) {
            text = structural(text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (mode == 2 || (mode == 1 && random.nextBoolean())) {
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                bytes = bytewise(bytes);
            }
        }
        return bytes;
    }

    private String structural(String text) {
        return switch (random.nextInt(9)) {
            case 0, 1, 2 -> replaceValue(text, value());
            case 3 -> replaceValue(text, pick(TAGS) + render(pick(HOSTILE)));
            case 4 -> setSection(text, section());
            case 5 -> text + "x: &a [" + "*a, ".repeat(random.nextInt(3)) + "1]\ny: *a\n";
            case 6 -> text + "deep: " + "[".repeat(1 + random.nextInt(3000)) + "]".repeat(1 + random.nextInt(3000)) + "\n";
            case 7 -> text + "deep: " + "{a: ".repeat(1 + random.nextInt(100)) + "1" + "}".repeat(1 + random.nextInt(100)) + "\n";
            default -> replaceValue(text, "<<: *b");
        };
    }

    /** A hostile or valid value, often edited (a line break or control character added, made long), rendered as YAML. */
    private String value() {
        String v = random.nextInt(3) == 0 ? pick(HOSTILE) : pick(VALID);
        return render(random.nextBoolean() ? edit(v) : v);
    }

    private String edit(String v) {
        int at = random.nextInt(v.length() + 1);
        return switch (random.nextInt(6)) {
            case 0, 1 -> v + pick(BREAKS);
            case 2 -> v.substring(0, at) + pick(BREAKS) + v.substring(at);
            case 3 -> pick(BREAKS) + v;
            case 4 -> v + (char) random.nextInt(0x20);
            default -> {
                int[] lengths = {39, 40, 41, 64, 65, 80, 81, 200, 201, 259, 260, 512, 513, 4095, 4096, 4097, 20000};
                int n = lengths[random.nextInt(lengths.length)];
                String unit = v.isEmpty() ? "a" : v.substring(0, Math.min(v.length(), 1 + random.nextInt(3)));
                String filler = random.nextBoolean() ? unit : random.nextBoolean() ? "/a" : ".a";
                yield (v + filler.repeat(n / filler.length() + 1)).substring(0, n);
            }
        };
    }

    private String section() {
        String s = pick(SECTIONS);
        while (s.contains("%s")) {
            s = s.replaceFirst("%s", Matcher.quoteReplacement(random.nextInt(5) == 0 ? pick(TAGS) + value() : value()));
        }
        return s;
    }

    /** Plain where YAML allows it, else double-quoted with escapes, single-quoted, or raw. */
    private String render(String v) {
        return switch (random.nextInt(4)) {
            case 0 -> v;
            case 1 -> "'" + v.replace("'", "''") + "'";
            default -> doubleQuoted(v);
        };
    }

    private static String doubleQuoted(String v) {
        StringBuilder sb = new StringBuilder("\"");
        v.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    private String replaceValue(String text, String replacement) {
        Matcher m = VALUE.matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return text + replacement + "\n";
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        return text.substring(0, span[0]) + replacement + text.substring(span[1]);
    }

    /** Replaces the top-level section the new one names (or appends it). */
    private static String setSection(String text, String section) {
        String key = section.substring(0, Math.max(0, section.indexOf(':')));
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : text.split("\n", -1)) {
            if (!key.isEmpty() && line.startsWith(key + ":")) {
                skipping = true;
                continue;
            }
            if (skipping && (line.startsWith(" ") || line.startsWith("-"))) {
                continue;
            }
            skipping = false;
            out.append(line).append('\n');
        }
        return out.toString().stripTrailing() + "\n" + section + "\n";
    }

    private byte[] bytewise(byte[] b) {
        if (b.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(b.length);
        return switch (random.nextInt(7)) {
            case 0 -> {
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << random.nextInt(8));
                yield c;
            }
            case 1 -> splice(b, at, at, new byte[] {(byte) random.nextInt(256)});
            case 2 -> splice(b, at, Math.min(b.length, at + 1 + random.nextInt(8)), new byte[0]);
            case 3 -> java.util.Arrays.copyOf(b, at);
            case 4 -> splice(b, at, at, pickBytes());
            case 5 -> splice(b, at, at, java.util.Arrays.copyOfRange(b, random.nextInt(at + 1), at));
            default -> {
                byte[] c = b.clone();
                c[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                yield c;
            }
        };
    }

    /** Invalid or awkward UTF-8: lone continuation bytes, overlong forms, an encoded surrogate, NUL, BOM, NEL. */
    private byte[] pickBytes() {
        byte[][] options = {
            {(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            {(byte) 0xC2, (byte) 0x85}, {(byte) 0xE2, (byte) 0x80, (byte) 0xA8}, {(byte) 0xE2, (byte) 0x80, (byte) 0xAE},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {0x1b, '[', '2', 'J'},
        };
        return options[random.nextInt(options.length)];
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] c = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(insert, 0, c, from, insert.length);
        System.arraycopy(b, to, c, from + insert.length, b.length - to);
        return c;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
