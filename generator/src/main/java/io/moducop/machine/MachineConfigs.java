package io.moducop.machine;

import io.moducop.UserError;
import io.moducop.util.ClasspathFiles;
import io.moducop.schema.DidYouMean;
import io.moducop.schema.SchemaValidator;
import io.moducop.schema.ValidatedTree;
import io.moducop.schema.YamlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The base boards shipped in machine-configs/ (inside the jar). */
public final class MachineConfigs {

    /** The base boards: every machine-configs/NAME.yaml shipped with the tool (adding a board is adding its file). */
    public static final List<String> KNOWN = ClasspathFiles.list("machine-configs", ".yaml").stream()
            .map(n -> n.substring("machine-configs/".length(), n.length() - ".yaml".length()))
            .filter(n -> !n.contains("/"))
            .toList();

    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource("machine-configs/machine-config.schema.json");
    private static final Map<String, MachineConfig> CACHE = new ConcurrentHashMap<>();

    private MachineConfigs() {
    }

    public static boolean exists(String id) {
        return KNOWN.contains(id);
    }

    public static String hint(String id) {
        return DidYouMean.hint(id, KNOWN);
    }

    public static MachineConfig load(String id) {
        if (!exists(id)) {
            throw UserError.of("machine-configs/" + id + ".yaml", "no such base board", hint(id));
        }
        return CACHE.computeIfAbsent(id, MachineConfigs::read);
    }

    private static MachineConfig read(String id) {
        String resource = "machine-configs/" + id + ".yaml";
        String text;
        try (InputStream in = MachineConfigs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return fromTree(id, SCHEMA.validate(resource, YamlSource.parse(resource, text)));
    }

    @SuppressWarnings("unchecked")
    static MachineConfig fromTree(String id, ValidatedTree t) {
        Map<Release, List<MachineConfig.SourceLayer>> layers = new java.util.EnumMap<>(Release.class);
        for (Release r : Release.values()) {
            layers.put(r, ((List<Map<String, Object>>) t.get("layers." + r.id())).stream()
                    .map(m -> new MachineConfig.SourceLayer((String) m.get("name"), (String) m.get("url"),
                            (String) m.get("branch"), (List<String>) m.get("paths")))
                    .toList());
        }
        List<MachineConfig.Setting> settings = ((List<Map<String, Object>>) t.get("settings")).stream()
                .map(m -> new MachineConfig.Setting((String) m.get("name"), (String) m.get("value")))
                .toList();
        return new MachineConfig(
                id,
                t.string("machine"),
                t.string("name"),
                layers,
                t.strings("machine-overrides"),
                t.string("kmachine"),
                t.strings("partition-tables"),
                t.string("console"),
                t.string("container-platform"),
                new MachineConfig.Kernel(t.string("kernel.image"), t.string("kernel.boot-command")),
                new MachineConfig.DeviceTree(t.string("device-tree.source"), t.string("device-tree.file"),
                        t.string("device-tree.address"), t.bool("device-tree.firmware-bootargs")),
                new MachineConfig.UBoot(t.string("u-boot.interface"), (int) t.integer("u-boot.device"),
                        t.string("u-boot.arch")),
                t.string("linux.partition-prefix"),
                new MachineConfig.UBootEnv(t.string("u-boot-env.device"), t.string("u-boot-env.offset"),
                        t.string("u-boot-env.size"), t.string("u-boot-env.sector-size"),
                        t.string("u-boot-env.boot-mount")),
                t.strings("boot-files-remove"),
                settings);
    }
}
