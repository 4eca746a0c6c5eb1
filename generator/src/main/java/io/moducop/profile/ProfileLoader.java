package io.moducop.profile;

import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import io.moducop.machine.Release;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads a profile file: YAML syntax, then the JSON Schema, then the checks a schema cannot express. */
public final class ProfileLoader {

    public static final String SCHEMA_RESOURCE = "profiles/profile.schema.json";
    public static final String DEFAULT_PROFILE = "profiles/qemuarm64.yaml";

    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource(SCHEMA_RESOURCE);

    /** Directories an overlay must never cover: kernel file systems, mount points, the system itself. */
    private static final Set<String> RESERVED = Set.of("/proc", "/sys", "/dev", "/run", "/tmp", "/data", "/boot",
            "/uboot", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/var", "/var/volatile", "/var/log", "/var/run",
            "/var/tmp", "/var/lock", "/mnt", "/media");

    private ProfileLoader() {
    }

    public static SchemaValidator schema() {
        return SCHEMA;
    }

    public static Profile load(Path file) {
        String name = displayName(file);
        return parse(name, YamlSource.read(file, name), file.toAbsolutePath().getParent());
    }

    /** The profile built into the tool, used when no profile is given. */
    public static Profile loadDefault() {
        try (var in = ProfileLoader.class.getClassLoader().getResourceAsStream(DEFAULT_PROFILE)) {
            return parse("built-in qemuarm64.yaml", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The path as the user gave it, for messages only: nothing generated names the profile file. */
    public static String displayName(Path file) {
        return file.toString();
    }

    public static Profile parse(String name, String text) {
        return parse(name, text, null);
    }

    /** {@code dir} is where the profile lives, for files it names (null: it names none). */
    public static Profile parse(String name, String text, Path dir) {
        ValidatedTree t = SCHEMA.validate(name, YamlSource.parse(name, text));
        List<Diagnostic> errors = new ArrayList<>();

        String baseId = t.string("board.base");
        MachineConfig base = null;
        if (!MachineConfigs.exists(baseId)) {
            errors.add(at(t, "board.base", "unknown base board '" + baseId + "'", MachineConfigs.hint(baseId)));
        } else {
            base = MachineConfigs.load(baseId);
        }

        String table = t.string("storage.table");
        if (base != null && !base.partitionTables().contains(table)) {
            errors.add(at(t, "storage.table", base.name() + " cannot boot from a " + table + " partition table",
                    "use table: " + String.join(" or ", base.partitionTables())));
        }

        List<String> persistent = t.strings("overlays.persistent");
        List<String> volatileDirs = t.strings("overlays.volatile");
        checkOverlays(t, "overlays.persistent", persistent, errors);
        checkOverlays(t, "overlays.volatile", volatileDirs, errors);
        for (int i = 0; i < volatileDirs.size(); i++) {
            for (String p : persistent) {
                if (nested(p, volatileDirs.get(i))) {
                    errors.add(at(t, "overlays.volatile[" + i + "]", volatileDirs.get(i) + " overlaps the persistent overlay " + p,
                            "a directory is either persistent or volatile"));
                }
            }
        }

        long boot = sizeAt(t, "partitions.boot.size", errors);
        long rootfs = sizeAt(t, "partitions.rootfs.size", errors);
        String dataText = t.string("partitions.data.size");
        Long data = "rest".equals(dataText) ? null : sizeAt(t, "partitions.data.size", errors);
        long storage = Size.parse(t.string("storage.size"));
        if (boot < 16 * Size.MIB) {
            errors.add(at(t, "partitions.boot.size", "the boot partition needs at least 16 MiB", "e.g. 64MiB"));
        }
        if (rootfs < 64 * Size.MIB) {
            errors.add(at(t, "partitions.rootfs.size", "a root slot needs at least 64 MiB", "e.g. 1GiB"));
        }
        if (errors.isEmpty()) {
            PartitionLayout.Result r = PartitionLayout.compute(storage, table, boot, rootfs, data);
            if (r.layout().isEmpty()) {
                String where = t.positions().containsKey("partitions") ? "partitions" : "storage.size";
                errors.add(at(t, t.positions().containsKey("storage.size") ? "storage.size" : where, r.error(), r.hint()));
            }
        }
        String keyring = t.string("ota.keyring") == null ? null : readKeyring(t, dir, errors);
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        String compatible = t.string("ota.compatible") != null ? t.string("ota.compatible") : t.string("board.name");
        return new Profile(name,
                Release.of(t.string("yocto.release")),
                new Profile.Board(t.string("board.name"), t.string("board.description")),
                base,
                new Profile.Storage(storage, table),
                new Profile.PartitionSizes(boot, rootfs, data),
                (int) t.integer("boot.attempts"),
                new Profile.Overlays(List.copyOf(persistent), List.copyOf(volatileDirs)),
                new Profile.Containers(List.copyOf(t.strings("containers.registries")),
                        t.bool("containers.docker-alias"), t.bool("containers.compose")),
                new Profile.Ota(t.string("ota.client"), compatible, keyring,
                        t.string("ota.signing.key"), t.string("ota.signing.cert")));
    }

    /** The keyring is shipped on every device: it must be certificates and nothing else. */
    private static String readKeyring(ValidatedTree t, Path dir, List<Diagnostic> errors) {
        String rel = t.string("ota.keyring");
        if (dir == null) {
            errors.add(at(t, "ota.keyring", "a built-in profile cannot name a keyring file", "copy the profile next to the keyring"));
            return null;
        }
        Path file = dir.resolve(rel).normalize();
        String text;
        try {
            if (java.nio.file.Files.size(file) > 256 * 1024) {
                errors.add(at(t, "ota.keyring", "keyring " + rel + " is larger than 256 KiB", "it should hold a few PEM certificates"));
                return null;
            }
            text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            errors.add(at(t, "ota.keyring", "keyring " + rel + " does not exist (relative to the profile)",
                    "create development keys with: ./moducop keys --dev " + (rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : ".")));
            return null;
        } catch (java.io.IOException e) {
            errors.add(at(t, "ota.keyring", "cannot read keyring " + rel + ": " + e.getMessage(), null));
            return null;
        }
        if (text.contains("PRIVATE KEY")) {
            errors.add(at(t, "ota.keyring", "keyring " + rel + " contains a private key",
                    "the keyring goes onto every device: give it the CA certificate only, keep keys out of the layers"));
            return null;
        }
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            errors.add(at(t, "ota.keyring", "keyring " + rel + " holds no PEM certificate", "expected -----BEGIN CERTIFICATE-----"));
            return null;
        }
        return text.endsWith("\n") ? text : text + "\n";
    }

    private static long sizeAt(ValidatedTree t, String path, List<Diagnostic> errors) {
        long v = Size.parse(t.string(path));
        if (v % PartitionLayout.ALIGN != 0) {
            long down = v / PartitionLayout.ALIGN * PartitionLayout.ALIGN;
            long up = down + PartitionLayout.ALIGN;
            errors.add(at(t, path, path + " " + t.string(path) + " is not a multiple of the 4 MiB partition alignment",
                    "use " + (down > 0 ? Size.format(down).replace(" ", "") + " or " : "") + Size.format(up).replace(" ", "")));
        }
        return v;
    }

    private static void checkOverlays(ValidatedTree t, String path, List<String> dirs, List<Diagnostic> errors) {
        for (int i = 0; i < dirs.size(); i++) {
            String d = dirs.get(i);
            if (RESERVED.contains(d) || d.startsWith("/proc/") || d.startsWith("/sys/") || d.startsWith("/dev/")
                    || d.startsWith("/run/") || d.startsWith("/data/") || d.startsWith("/var/volatile/") || d.startsWith("/usr/")) {
                errors.add(at(t, path + "[" + i + "]", d + " cannot be an overlay",
                        "it is a kernel file system, a mount point or part of the read-only system; overlay directories such as /etc, /root, /var/lib"));
            }
            for (int j = 0; j < i; j++) {
                if (nested(dirs.get(j), d)) {
                    errors.add(at(t, path + "[" + i + "]", d + " overlaps " + dirs.get(j), "list nested directories once"));
                }
            }
        }
    }

    private static boolean nested(String a, String b) {
        return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
    }

    private static Diagnostic at(ValidatedTree t, String path, String message, String hint) {
        Position p = t.positionOf(path);
        return new Diagnostic(t.file(), p.line(), p.column(), message, hint);
    }
}
