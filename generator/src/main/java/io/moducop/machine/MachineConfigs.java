package io.moducop.machine;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.profile.Size;
import io.moducop.util.ClasspathFiles;
import io.moducop.schema.DidYouMean;
import io.moducop.schema.Position;
import io.moducop.schema.SchemaValidator;
import io.moducop.schema.ValidatedTree;
import io.moducop.schema.YamlSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base boards: the built-in ones shipped in machine-configs/ (inside the jar) and a profile's own
 * board file. Both are read by {@link #fromText}: the same schema, the same checks, the same
 * {@code file:line:col} messages.
 */
public final class MachineConfigs {

    /** The base boards: every machine-configs/NAME.yaml shipped with the tool (adding a board is adding its file). */
    public static final List<String> KNOWN = ClasspathFiles.list("machine-configs", ".yaml").stream()
            .map(n -> n.substring("machine-configs/".length(), n.length() - ".yaml".length()))
            .filter(n -> !n.contains("/"))
            .toList();

    public static final String SCHEMA_RESOURCE = "machine-configs/machine-config.schema.json";
    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource(SCHEMA_RESOURCE);
    private static final Map<String, MachineConfig> CACHE = new ConcurrentHashMap<>();

    /** Raw areas are whole multiples of the partition alignment, and small. */
    private static final long RAW_ALIGN = 4 * Size.MIB;
    private static final long RAW_MAX = 64 * Size.MIB;
    /** What a GPT takes at the start of the disk (protective MBR, header, 128 entries): no raw data before this. */
    private static final long TABLE_END = 34 * 512;

    private MachineConfigs() {
    }

    public static boolean exists(String id) {
        return KNOWN.contains(id);
    }

    public static String hint(String id) {
        return DidYouMean.hint(id, KNOWN);
    }

    public static SchemaValidator schema() {
        return SCHEMA;
    }

    public static MachineConfig load(String id) {
        if (!exists(id)) {
            throw UserError.of("machine-configs/" + id + ".yaml", "no such base board", hint(id));
        }
        return CACHE.computeIfAbsent(id, MachineConfigs::read);
    }

    /**
     * A board file a profile names: {@code file} is already resolved inside the profile's directory;
     * {@code display} is how messages name it. Read bounded, like a profile.
     */
    public static MachineConfig load(Path file, String display) {
        return fromText(display, display, YamlSource.read(file, display, "a base-board file, e.g. boards/my-board.yaml"));
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
        return fromText(id, resource, text);
    }

    /** Parses, validates against the schema, then checks what a schema cannot say; every problem at its place. */
    public static MachineConfig fromText(String id, String display, String text) {
        ValidatedTree t = SCHEMA.validate(display, YamlSource.parse(display, text,
                "a base board needs at least machine:, name:, layers:, boot-loader: ... (./moducop schema --board)"));
        List<Diagnostic> errors = new ArrayList<>();
        MachineConfig c = fromTree(id, t, errors);
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        return c;
    }

    @SuppressWarnings("unchecked")
    static MachineConfig fromTree(String id, ValidatedTree t, List<Diagnostic> errors) {
        Map<Release, List<MachineConfig.SourceLayer>> layers = new java.util.EnumMap<>(Release.class);
        for (Release r : Release.values()) {
            List<Map<String, Object>> list = (List<Map<String, Object>>) t.get("layers." + r.id());
            if (list != null) {
                layers.put(r, list.stream()
                        .map(m -> new MachineConfig.SourceLayer((String) m.get("name"), (String) m.get("url"),
                                (String) m.get("branch"), (List<String>) m.get("paths")))
                        .toList());
            }
        }
        if (layers.isEmpty()) {
            errors.add(at(t, "layers", "the board lists layers for no Yocto release",
                    "add layers: " + String.join(" and/or ", Release.ids()) + ": with the core and the vendor layers"));
        }
        List<MachineConfig.Setting> settings = ((List<Map<String, Object>>) t.get("settings")).stream()
                .map(m -> new MachineConfig.Setting((String) m.get("name"), (String) m.get("value")))
                .toList();

        MachineConfig.BootLoader loader = MachineConfig.BootLoader.of(t.string("boot-loader"));
        if (!loader.served()) {
            errors.add(at(t, "boot-loader", "moducop cannot serve a " + loader.id() + " board yet: it generates the boot flow"
                    + " (A/B choice with boot counting, its environment, the partition that holds it) for "
                    + MachineConfig.BootLoader.servedOnes().stream().map(MachineConfig.BootLoader::id).collect(Collectors.joining(" and "))
                    + " only, and has none of these for " + loader.id(),
                    "use a board whose boot loader is one of these"));
        }
        boolean uboot = loader == MachineConfig.BootLoader.U_BOOT;
        for (String key : List.of("u-boot", "u-boot-env", "device-tree", "kernel.boot-command")) {
            if (uboot && t.get(key) == null) {
                String parent = key.contains(".") ? key.substring(0, key.indexOf('.')) : null;
                String name = key.substring(key.indexOf('.') + 1);
                errors.add(at(t, parent == null ? "boot-loader" : parent, "missing key '" + name + "'" + (parent == null ? "" : " in " + parent)
                        + ": a u-boot board needs it for the boot script", "./moducop schema --board shows what it holds"));
            } else if (!uboot && t.get(key) != null) {
                errors.add(at(t, key, key + " is U-Boot's, and this board boots with " + loader.id(),
                        "remove " + key + ", or set boot-loader: u-boot"));
            }
        }
        if (!uboot && t.get("runqemu") != null) {
            errors.add(at(t, "runqemu", "runqemu boots U-Boot as -bios with its environment in flash, and this board boots with "
                    + loader.id(), "remove runqemu"));
        }
        if (!errors.isEmpty()) {
            return null;
        }

        String recipe = t.string("kernel.recipe");
        String kernelLayer = t.string("kernel.layer");
        if (!"linux-yocto".equals(recipe) && kernelLayer == null) {
            errors.add(at(t, "kernel", "missing key 'layer' in kernel: " + recipe + " needs RAUC's kernel options (squashfs,"
                    + " loop, dm-verity) from moducop's configuration fragment, which applies only with the layer that has the recipe",
                    "add layer: the BBFILE_COLLECTIONS name in the vendor layer's conf/layer.conf, e.g. layer: freescale-layer"));
        } else if ("linux-yocto".equals(recipe) && kernelLayer != null) {
            errors.add(at(t, "kernel.layer", "linux-yocto needs no layer: meta-rauc configures it for RAUC itself",
                    "remove kernel.layer"));
        }

        MachineConfig.UBootEnv env = uboot ? new MachineConfig.UBootEnv(t.string("u-boot-env.device"), t.string("u-boot-env.offset"),
                t.string("u-boot-env.size"), t.string("u-boot-env.sector-size"), t.string("u-boot-env.boot-mount"),
                t.get("u-boot-env.redundant") == null ? null
                        : t.string("u-boot-env.redundant.device") != null ? t.string("u-boot-env.redundant.device")
                        : t.string("u-boot-env.device"),
                t.string("u-boot-env.redundant.offset")) : null;
        String prefix = t.string("linux.partition-prefix");
        MachineConfig.RawArea raw = rawArea(t, errors);
        if (uboot) {
            checkEnv(t, env, prefix, raw, errors);
        }

        return new MachineConfig(
                id,
                t.string("machine"),
                t.string("name"),
                layers,
                t.strings("machine-overrides"),
                t.string("kmachine"),
                t.strings("partition-tables"),
                raw,
                loader,
                t.string("console"),
                t.string("container-platform"),
                new MachineConfig.Kernel(t.string("kernel.image"), t.string("kernel.boot-command"), recipe, kernelLayer),
                uboot ? new MachineConfig.DeviceTree(t.string("device-tree.source"), t.string("device-tree.file"),
                        t.string("device-tree.address"), t.bool("device-tree.firmware-bootargs")) : null,
                uboot ? new MachineConfig.UBoot(t.string("u-boot.interface"), (int) t.integer("u-boot.device"),
                        t.string("u-boot.arch")) : null,
                prefix,
                env,
                t.strings("boot-files-remove"),
                settings,
                licensedRecommends(t, errors),
                runqemu(t, errors),
                MachineConfig.QemuMachine.of(t.string("qemu-machine")));
    }

    @SuppressWarnings("unchecked")
    private static List<MachineConfig.LicensedRecommends> licensedRecommends(ValidatedTree t, List<Diagnostic> errors) {
        List<Map<String, Object>> list = (List<Map<String, Object>>) t.get("licensed-recommends");
        for (int i = 0; i < list.size(); i++) {
            if (((List<String>) list.get(i).get("packages")).isEmpty()) {
                errors.add(at(t, "licensed-recommends[" + i + "].packages", "the list of packages is empty",
                        "name the packages of MACHINE_EXTRA_RRECOMMENDS the licence flag gates, or remove the entry"));
            }
        }
        return list.stream().map(m -> new MachineConfig.LicensedRecommends((String) m.get("flag"), (String) m.get("recipe"),
                List.copyOf((List<String>) m.get("packages")))).toList();
    }

    private static MachineConfig.Runqemu runqemu(ValidatedTree t, List<Diagnostic> errors) {
        if (t.get("runqemu") == null) {
            return null;
        }
        long memory = Size.parse(t.string("runqemu.memory"));
        if (memory % Size.MIB != 0 || memory < 256 * Size.MIB) {
            errors.add(at(t, "runqemu.memory", "runqemu.memory " + t.string("runqemu.memory")
                    + " must be whole MiB, at least 256MiB (QB_MEM's -m counts MiB)", "e.g. 1024MiB"));
        }
        return new MachineConfig.Runqemu(t.string("runqemu.bios"), t.string("runqemu.drive-type"), memory / Size.MIB);
    }

    /** The raw area, or the default (4 MiB, nothing in it); its images must fit and not overlap. */
    @SuppressWarnings("unchecked")
    private static MachineConfig.RawArea rawArea(ValidatedTree t, List<Diagnostic> errors) {
        if (t.get("raw-area") == null) {
            return new MachineConfig.RawArea(RAW_ALIGN, List.of());
        }
        long size = Size.parse(t.string("raw-area.size"));
        if (size % RAW_ALIGN != 0 || size > RAW_MAX) {
            errors.add(at(t, "raw-area.size", "raw-area.size " + t.string("raw-area.size")
                    + " must be a multiple of the 4 MiB partition alignment, at most 64MiB", "e.g. 4MiB or 8MiB"));
        }
        List<MachineConfig.RawImage> images = new ArrayList<>();
        List<Map<String, Object>> list = (List<Map<String, Object>>) t.get("raw-area.images");
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> m = list.get(i);
            String where = "raw-area.images[" + i + "]";
            MachineConfig.RawImage img = new MachineConfig.RawImage((String) m.get("file"), (String) m.get("recipe"),
                    Size.parse((String) m.get("offset")), Size.parse((String) m.get("max-size")));
            if (img.offset() < TABLE_END) {
                errors.add(at(t, where + ".offset", img.file() + " at " + m.get("offset") + " would overwrite the partition table,"
                        + " which takes the first 17 KiB", "the boot ROM's documented offset, e.g. 32KiB for i.MX 8M"));
            } else if (img.offset() + img.maxSize() > size) {
                errors.add(at(t, where + ".max-size", img.file() + " at " + m.get("offset") + " with " + m.get("max-size")
                        + " of room ends after the raw area (" + t.string("raw-area.size") + ")",
                        "make raw-area.size larger or max-size smaller"));
            }
            for (int j = 0; j < images.size(); j++) {
                if (overlaps(img.offset(), img.maxSize(), images.get(j).offset(), images.get(j).maxSize())) {
                    errors.add(at(t, where + ".offset", img.file() + " overlaps " + images.get(j).file()
                            + " (raw-area.images[" + j + "])", "give each image its own room"));
                }
            }
            images.add(img);
        }
        return new MachineConfig.RawArea(size, List.copyOf(images));
    }

    /**
     * The environment: a file on the boot partition lies under the boot mount; a copy on the boot
     * disk itself lies in the raw area, clear of the partition table and the boot images.
     */
    private static void checkEnv(ValidatedTree t, MachineConfig.UBootEnv env, String prefix, MachineConfig.RawArea raw,
            List<Diagnostic> errors) {
        if (env.bootMount() != null && !env.device().startsWith(env.bootMount() + "/")) {
            errors.add(at(t, "u-boot-env.device", "the environment is a file on the boot partition (boot-mount "
                    + env.bootMount() + "), but " + env.device() + " is not under " + env.bootMount(),
                    "e.g. device: " + env.bootMount() + "/uboot.env"));
        }
        if (env.bootMount() == null && env.device().startsWith("/uboot/")) {
            errors.add(at(t, "u-boot-env", "missing key 'boot-mount' in u-boot-env: " + env.device()
                    + " is a file on the boot partition", "add boot-mount: /uboot"));
        }
        long size = hex(env.size());
        if (size == 0) {
            errors.add(at(t, "u-boot-env.size", "the environment size cannot be 0", "CONFIG_ENV_SIZE of the board's U-Boot"));
        }
        String disk = prefix.matches(".*[0-9]p") ? prefix.substring(0, prefix.length() - 1) : prefix;
        checkCopy(t, "u-boot-env", env.device(), hex(env.offset()), size, disk, raw, errors);
        if (env.redundant()) {
            String where = "u-boot-env.redundant";
            checkCopy(t, where, env.redundantDevice(), hex(env.redundantOffset()), size, disk, raw, errors);
            if (env.redundantDevice().equals(env.device())
                    && overlaps(hex(env.offset()), size, hex(env.redundantOffset()), size)) {
                errors.add(at(t, where + ".offset", "the redundant copy overlaps the first one", "CONFIG_ENV_OFFSET_REDUND of the board's U-Boot"));
            }
        }
    }

    private static void checkCopy(ValidatedTree t, String where, String device, long offset, long size, String disk,
            MachineConfig.RawArea raw, List<Diagnostic> errors) {
        if (!device.equals(disk)) {
            return;
        }
        if (offset < TABLE_END || offset + size > raw.size()) {
            errors.add(at(t, where + ".offset", "the environment on the boot disk " + disk + " at " + hex(offset) + " (" + hex(size)
                    + " bytes) is not inside the raw area before the first partition (17 KiB to " + Size.format(raw.size())
                    + "): the boot partition or the partition table would overwrite it",
                    "set raw-area.size so that the first partition starts after CONFIG_ENV_OFFSET + CONFIG_ENV_SIZE"));
            return;
        }
        for (int i = 0; i < raw.images().size(); i++) {
            MachineConfig.RawImage img = raw.images().get(i);
            if (overlaps(offset, size, img.offset(), img.maxSize())) {
                errors.add(at(t, where + ".offset", "the environment at " + hex(offset) + " lies in the room of " + img.file()
                        + " (raw-area.images[" + i + "])", "make that image's max-size end before the environment"));
            }
        }
    }

    private static boolean overlaps(long a, long aSize, long b, long bSize) {
        return a < b + bSize && b < a + aSize;
    }

    /** The schema's pattern allows at most 10 hex digits: this cannot overflow. */
    private static long hex(String v) {
        return Long.parseLong(v.substring(2), 16);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static Diagnostic at(ValidatedTree t, String path, String message, String hint) {
        Position p = t.positionOf(path);
        return new Diagnostic(t.file(), p.line(), p.column(), message, hint);
    }
}
