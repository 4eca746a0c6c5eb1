package io.moducop.boottest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What one boot printed: U-Boot's and the boot script's lines, and boot-test's BOOTTEST: report. */
record BootConsole(String text) {

    /** A mounted file system as /proc/mounts showed it. */
    record Mount(String dir, String type, String device, String options) {
        String option(String name) {
            for (String o : options.split(",")) {
                if (o.startsWith(name + "=")) {
                    return o.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    List<String> lines() {
        return text.lines().toList();
    }

    boolean has(String fragment) {
        return text.contains(fragment);
    }

    Optional<String> line(String fragment) {
        return lines().stream().filter(l -> l.contains(fragment)).findFirst();
    }

    long count(String fragment) {
        return lines().stream().filter(l -> l.contains(fragment)).count();
    }

    boolean reachedUserSpace() {
        return has("BOOTTEST: done");
    }

    String cmdline() {
        return line("BOOTTEST: cmdline ").map(l -> l.substring(l.indexOf("BOOTTEST: cmdline ") + 18)).orElse("");
    }

    /** The last mount on each directory (an overlay on top of the root's own entry). */
    Map<String, Mount> mounts() {
        Map<String, Mount> m = new LinkedHashMap<>();
        for (String l : lines()) {
            int i = l.indexOf("BOOTTEST: mount ");
            if (i >= 0) {
                String[] f = l.substring(i + 16).split(" ", 4);
                if (f.length == 4) {
                    m.put(f[0], new Mount(f[0], f[1], f[2], f[3]));
                }
            }
        }
        return m;
    }

    String resolves(String link) {
        return line("BOOTTEST: resolves " + link + " ").map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElse("");
    }
}
