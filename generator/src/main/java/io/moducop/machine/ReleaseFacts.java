package io.moducop.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What a Yocto release's own recipes put into a ModuCop image where boot-test's guest must do the
 * same: the directory rauc-conf installs system.conf and the keyring into, the configuration files
 * its recipes install (systemd-conf's wired.network), the links base-files makes (the volatile
 * directories), and the systemd presets its packages get
 * (applied with {@code systemctl preset-all} as the image's rootfs step does). Read from
 * {@code releases/RELEASE.yaml}, which {@code scripts/release-facts.py} makes from {@code bitbake -e};
 * {@code ReleaseFactsTest} checks it against the Yocto sources when they are present.
 */
public record ReleaseFacts(String release, Map<String, String> sources, String raucConfDir, List<File> files,
                           List<Link> links, List<Preset> presets, List<String> systemdPackageconfig) {

    /** A file an upstream recipe installs, with its content. */
    public record File(String path, String recipe, String content) {
    }

    /** A symbolic link an upstream recipe makes (base-files: /var/log to volatile/log, ...). */
    public record Link(String path, String target, String recipe) {
    }

    /** A package's SYSTEMD_SERVICE and SYSTEMD_AUTO_ENABLE, from which systemd.bbclass writes its {@code 98-PKG.preset}. */
    public record Preset(String pkg, String action, List<String> services) {
    }

    @SuppressWarnings("unchecked")
    static ReleaseFacts load(String id) {
        String resource = "releases/" + id + ".yaml";
        try (InputStream in = ReleaseFacts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " in the tool");
            }
            Map<String, Object> m = new Yaml(new LoaderOptions()).load(in);
            List<File> files = ((List<Map<String, String>>) m.get("files")).stream()
                    .map(f -> new File(f.get("path"), f.get("recipe"), f.get("content"))).toList();
            List<Link> links = ((List<Map<String, String>>) m.get("links")).stream()
                    .map(l -> new Link(l.get("path"), l.get("target"), l.get("recipe"))).toList();
            List<Preset> presets = ((List<Map<String, Object>>) m.get("presets")).stream()
                    .map(p -> new Preset((String) p.get("package"), (String) p.get("action"), List.copyOf((List<String>) p.get("services"))))
                    .toList();
            return new ReleaseFacts((String) m.get("release"), Map.copyOf((Map<String, String>) m.get("sources")),
                    ((Map<String, String>) m.get("rauc-conf")).get("dir"), files, links, presets,
                    List.copyOf((List<String>) m.get("systemd-packageconfig")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
