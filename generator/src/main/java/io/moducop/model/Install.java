package io.moducop.model;

import java.util.Map;

/**
 * One generated file (or, with {@code file} null, a directory) that ends up in the root file
 * system: which recipe installs it, the file in the layer (relative to the output directory),
 * where it goes (as the recipe writes it, with bitbake's directory variables) and its mode. The
 * recipes' do_install and boot-test's guest are both made from these, so they cannot disagree.
 */
public record Install(String recipe, String file, String target, String mode) {

    /** bitbake's directory variables as the moducop distro sets them (usrmerge, ROOT_HOME = /root). */
    private static final Map<String, String> DIRS = Map.of(
            "${sysconfdir}", "/etc",
            "${base_sbindir}", "/usr/sbin",
            "${sbindir}", "/usr/sbin",
            "${bindir}", "/usr/bin",
            "${libexecdir}", "/usr/libexec",
            "${systemd_system_unitdir}", "/usr/lib/systemd/system",
            "${systemd_unitdir}", "/usr/lib/systemd",
            "${nonarch_libdir}", "/usr/lib",
            "${datadir}", "/usr/share",
            "${ROOT_HOME}", "/root");

    public boolean directory() {
        return file == null;
    }

    /** The file's name in the recipe's sources. */
    public String name() {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** The file's path below its recipe's files/ (a per-machine file's machine directory left out: FILESOVERRIDES finds it). */
    public String source() {
        return file.substring(file.indexOf("/files/") + "/files/".length()).replaceFirst("^@machine@/", "");
    }

    /** The absolute path in the root file system. */
    public String path() {
        String p = target;
        for (Map.Entry<String, String> e : DIRS.entrySet()) {
            p = p.replace(e.getKey(), e.getValue());
        }
        if (p.contains("${")) {
            throw new IllegalStateException("unknown directory variable in " + target);
        }
        return p;
    }
}
