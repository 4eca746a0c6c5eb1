package io.moducop.profile;

import io.moducop.IoFailure;
import io.moducop.apps.App;
import io.moducop.apps.ComposeLoader;
import io.moducop.schema.BoundedFile;
import io.moducop.schema.Position;
import io.moducop.schema.SchemaValidator;
import io.moducop.schema.ValidatedTree;
import io.moducop.schema.YamlSource;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import io.moducop.machine.Release;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a profile file: YAML syntax, then the JSON Schema, then the checks a schema cannot express. */
public final class ProfileLoader {

    public static final String SCHEMA_RESOURCE = "profiles/profile.schema.json";
    public static final String DEFAULT_PROFILE = "profiles/qemuarm64.yaml";

    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource(SCHEMA_RESOURCE);

    /**
     * No overlay at or under these: kernel file systems, mount points, what lives in RAM anyway
     * (/var/log, /var/run, /var/tmp and /var/lock lead into /var/volatile or /run), and the
     * read-only system itself.
     */
    private static final List<String> RESERVED_TREES = List.of("/proc", "/sys", "/dev", "/run", "/tmp", "/boot",
            "/uboot", "/data", "/var/volatile", "/var/log", "/var/run", "/var/tmp", "/var/lock",
            "/usr", "/bin", "/sbin", "/lib", "/lib64");

    /** Directories that hold mount points or the above: no overlay of the whole directory. */
    private static final Set<String> RESERVED_DIRS = Set.of("/var", "/mnt", "/media");

    /** Keyrings hold a few PEM certificates. */
    private static final int MAX_KEYRING_BYTES = 256 * 1024;

    private ProfileLoader() {
    }

    public static SchemaValidator schema() {
        return SCHEMA;
    }

    public static Profile load(Path file) {
        String name = displayName(file);
        if (!Diagnostic.escape(name).equals(name)) {
            throw UserError.of(name, "the file name contains a control, line-break or invisible character",
                    "rename the profile, e.g. to BOARD.yaml (letters, digits, . _ -)");
        }
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

        MachineConfig base = readBase(t, name, dir, errors);
        Release release = Release.of(t.string("yocto.release"));
        if (base != null && base.layers(release) == null) {
            errors.add(at(t, "yocto.release", base.name() + " (" + base.id() + ") has no layers for " + release.id()
                    + ": its board file names no branch of its vendor layers for this release",
                    "add layers: " + release.id() + ": to the board file (each layer with its " + release.id()
                            + " branch), or use yocto.release: " + base.layers().keySet().iterator().next().id()));
            base = null;
        }

        String table = t.string("storage.table");
        if (base != null && !base.partitionTables().contains(table)) {
            errors.add(at(t, "storage.table", base.name() + " cannot boot from a " + table + " partition table",
                    "use table: " + String.join(" or ", base.partitionTables())));
        }
        long storage = Size.parse(t.string("storage.size"));
        if ("msdos".equals(table) && storage > PartitionLayout.MSDOS_MAX) {
            errors.add(at(t, "storage.size", "storage.size " + Size.format(storage) + " is more than an msdos partition table"
                    + " can address: 2^32 sectors × 512 bytes = " + Size.format(PartitionLayout.MSDOS_MAX),
                    base != null && !base.partitionTables().contains("gpt")
                            ? base.name() + " boots only from msdos: make storage.size at most 2TiB"
                            : "use table: gpt, or make storage.size at most 2TiB"));
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
        if (boot < 16 * Size.MIB) {
            errors.add(at(t, "partitions.boot.size", "the boot partition needs at least 16 MiB", "e.g. 64MiB"));
        }
        if (rootfs < 64 * Size.MIB) {
            errors.add(at(t, "partitions.rootfs.size", "a root slot needs at least 64 MiB", "e.g. 1GiB"));
        }
        if (errors.isEmpty()) {
            PartitionLayout.Result r = PartitionLayout.compute(base == null ? PartitionLayout.ALIGN : base.rawArea().size(),
                    storage, table, boot, rootfs, data);
            if (r.layout().isEmpty()) {
                String where = t.positions().containsKey("partitions") ? "partitions" : "storage.size";
                errors.add(at(t, t.positions().containsKey("storage.size") ? "storage.size" : where, r.error(), r.hint()));
            }
        }
        List<String> sshKeys = t.strings("login.ssh-keys");
        for (int i = 0; i < sshKeys.size(); i++) {
            String why = sshKeyProblem(sshKeys.get(i));
            if (why != null) {
                errors.add(at(t, "login.ssh-keys[" + i + "]", "not an OpenSSH public key: " + why,
                        "paste one line of ~/.ssh/id_ed25519.pub (or another *.pub)"));
            }
        }
        if (base != null && base.bootLoader() != MachineConfig.BootLoader.U_BOOT && !"rauc".equals(t.string("ota.client"))) {
            errors.add(at(t, "ota.client", "a " + base.bootLoader().id() + " board marks a healthy slot good through RAUC's "
                    + base.bootLoader().id() + " backend; without RAUC (ota.client " + t.string("ota.client")
                    + ") moducop has no way to do it yet", "set ota.client: rauc"));
        }
        String keyring = t.string("ota.keyring") == null ? null : readKeyring(t, dir, errors);
        List<App> apps = readApps(t, name, dir, errors);
        if (!errors.isEmpty()) {
            throw new UserError(errors);
        }
        String compatible = t.string("ota.compatible") != null ? t.string("ota.compatible") : t.string("board.name");
        return new Profile(name,
                release,
                new Profile.Board(t.string("board.name"), t.string("board.description")),
                base,
                new Profile.Storage(storage, table),
                new Profile.PartitionSizes(boot, rootfs, data),
                (int) t.integer("boot.attempts"),
                new Profile.Overlays(List.copyOf(persistent), List.copyOf(volatileDirs)),
                new Profile.Containers(List.copyOf(t.strings("containers.registries")),
                        t.bool("containers.docker-alias"), t.bool("containers.compose")),
                List.copyOf(apps),
                new Profile.Login(List.copyOf(sshKeys), t.bool("login.development")),
                new Profile.Ota(t.string("ota.client"), compatible, keyring,
                        t.string("ota.signing.key"), t.string("ota.signing.cert")));
    }

    /**
     * The base board: a built-in one by name, or a board file ({@code *.yaml}) inside the profile's
     * directory, read with the same schema and checks; its problems are reported at their place in it.
     */
    private static MachineConfig readBase(ValidatedTree t, String profileName, Path dir, List<Diagnostic> errors) {
        String base = t.string("board.base");
        if (!base.endsWith(".yaml")) {
            if (!MachineConfigs.exists(base)) {
                errors.add(at(t, "board.base", "unknown base board '" + base + "'", MachineConfigs.hint(base)
                        + " (or a board file next to the profile, e.g. boards/" + base + ".yaml)"));
                return null;
            }
            return MachineConfigs.load(base);
        }
        Path file = profileFile(t, "board.base", base, dir, "board file",
                "keep the board file next to the profile, e.g. boards/my-board.yaml (./moducop schema --board prints its format)", errors);
        if (file == null) {
            return null;
        }
        try {
            return MachineConfigs.load(file, Path.of(profileName).resolveSibling(base).toString());
        } catch (UserError e) {
            errors.addAll(e.diagnostics());
            return null;
        }
    }

    /**
     * The schema checked the shape; this checks the content: the base64 part decodes to a key blob
     * of length-prefixed fields, to its last byte, the first naming the same key type as the line.
     */
    static String sshKeyProblem(String line) {
        String[] parts = line.split(" ");
        byte[] blob;
        try {
            blob = java.util.Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return "the key is not base64";
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(blob);
        String type = null;
        int fields = 0;
        while (b.hasRemaining()) { // the blob is length-prefixed strings, to its last byte
            int n = b.remaining() >= 4 ? b.getInt() : -1;
            if (n < 0 || n > b.remaining()) {
                return "the key data is cut short or damaged";
            }
            if (type == null) {
                type = new String(blob, b.position(), n, StandardCharsets.US_ASCII);
            }
            b.position(b.position() + n);
            fields++;
        }
        if (fields < 2) {
            return "the key data is cut short or damaged";
        }
        return type.equals(parts[0]) ? null : "the key data is a " + Diagnostic.escape(type) + " key, the line says " + parts[0];
    }

    /** Each application's compose file, read and checked; its problems are reported at their place in it. */
    @SuppressWarnings("unchecked")
    private static List<App> readApps(ValidatedTree t, String profileName, Path dir, List<Diagnostic> errors) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) t.get("apps");
        List<App> apps = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String appName = (String) entries.get(i).get("name");
            String rel = (String) entries.get(i).get("compose");
            if (!names.add(appName)) {
                errors.add(at(t, "apps[" + i + "].name", "two applications are named " + appName, "give each application its own name"));
                continue;
            }
            if (appName.equals("images")) {
                // /usr/share/moducop/apps/images is the slot's OCI layout, beside one directory per application
                errors.add(at(t, "apps[" + i + "].name", "an application cannot be named images", "choose another name"));
                continue;
            }
            Path file = profileFile(t, "apps[" + i + "].compose", rel, dir, "compose file", "keep the compose file next to the profile,"
                    + " e.g. apps/" + appName + "/compose.yaml", errors);
            if (file == null) {
                continue;
            }
            String display = Path.of(profileName).resolveSibling(rel).toString();
            try {
                apps.add(new App(appName, display, ComposeLoader.load(file, display),
                        ((Long) entries.get(i).get("health-timeout")).intValue()));
            } catch (UserError e) {
                errors.addAll(e.diagnostics());
            }
        }
        return apps;
    }

    /**
     * A file the profile names at {@code path}: it must exist inside the profile's directory
     * (symbolic links resolved), so a profile from a merge request cannot ship any file of the
     * machine it is built on. Null (with the problem in {@code errors}) otherwise.
     */
    private static Path profileFile(ValidatedTree t, String path, String rel, Path dir, String what, String hint,
            List<Diagnostic> errors) {
        if (dir == null) {
            errors.add(at(t, path, "a built-in profile cannot name a " + what, "copy the profile next to the " + what));
            return null;
        }
        try {
            Path home = dir.toRealPath();
            Path file = dir.resolve(rel).toRealPath();
            if (!file.startsWith(home) || file.equals(home)) {
                errors.add(at(t, path, what + " " + rel + " is outside the profile's directory", hint + " (symbolic links must not lead out)"));
                return null;
            }
            return file;
        } catch (NoSuchFileException e) {
            errors.add(at(t, path, what + " " + rel + " does not exist (relative to the profile)", hint));
            return null;
        } catch (IOException e) {
            errors.add(at(t, path, "cannot read " + what + " " + rel + ": " + IoFailure.reason(e), null));
            return null;
        }
    }

    /**
     * The keyring is shipped on every device: it must be certificates and nothing else, and it
     * must lie inside the profile's directory (symbolic links resolved), so a profile from a merge
     * request cannot ship any file of the machine it is built on.
     */
    private static String readKeyring(ValidatedTree t, Path dir, List<Diagnostic> errors) {
        String rel = t.string("ota.keyring");
        Path file = profileFile(t, "ota.keyring", rel, dir, "keyring", "keep the CA certificate next to the profile, e.g. keys/ca.cert.pem;"
                + " create development keys with: ./moducop keys --dev " + (rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "."),
                errors);
        if (file == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = BoundedFile.read(file, MAX_KEYRING_BYTES);
        } catch (BoundedFile.Refused e) {
            errors.add(at(t, "ota.keyring", "keyring " + rel + " " + e.getMessage(), "it should be a file with a few PEM certificates"));
            return null;
        } catch (IOException e) {
            errors.add(at(t, "ota.keyring", "cannot read keyring " + rel + ": " + IoFailure.reason(e), null));
            return null;
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if ((b < 0x20 || b > 0x7e) && b != '\n' && b != '\r' && b != '\t') {
                errors.add(at(t, "ota.keyring", "keyring " + rel + " is not PEM text (byte " + String.format("0x%02x", b)
                        + " at offset " + i + ")", "give the CA certificate in PEM form"));
                return null;
            }
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
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

    /** The schema's pattern already makes every overlay absolute and normalised; here: where it may not go. */
    private static void checkOverlays(ValidatedTree t, String path, List<String> dirs, List<Diagnostic> errors) {
        for (int i = 0; i < dirs.size(); i++) {
            String d = dirs.get(i);
            if (RESERVED_DIRS.contains(d) || RESERVED_TREES.stream().anyMatch(r -> d.equals(r) || d.startsWith(r + "/"))) {
                errors.add(at(t, path + "[" + i + "]", d + " cannot be an overlay",
                        "it is a kernel file system, a mount point, volatile or part of the read-only system;"
                                + " overlay directories such as /etc, /root, /var/lib"));
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
