package io.moducop.bitbake;

import io.moducop.IoFailure;
import io.moducop.util.AtomicFiles;
import io.moducop.util.YamlWriter;
import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.schema.BoundedFile;
import io.moducop.schema.SchemaValidator;
import io.moducop.schema.ValidatedTree;
import io.moducop.schema.YamlSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a lock file as untrusted input (YAML, then profiles/lock.schema.json with strict
 * patterns, errors as file:line:col) and writes one deterministically (fixed key order).
 */
public final class LockFileIO {

    public static final String SCHEMA_RESOURCE = "profiles/lock.schema.json";
    private static final SchemaValidator SCHEMA = SchemaValidator.fromResource(SCHEMA_RESOURCE);

    private LockFileIO() {
    }

    /** Reads through {@link YamlSource#read}: bounded, and never opens a directory, device or FIFO. */
    public static LockFile read(Path path) {
        String name = path.getFileName().toString();
        if (!Files.exists(path)) {
            throw UserError.of(path.toString(), "lock file not found; build never floats to branch heads",
                    "run: moducop lock <profile> (writes " + name + " from the branch heads), and commit it", ExitCode.LOCK_STALE);
        }
        return parse(name, YamlSource.read(path, path.toString()));
    }

    @SuppressWarnings("unchecked")
    public static LockFile parse(String name, String text) {
        ValidatedTree t = SCHEMA.validate(name, YamlSource.parse(name, text));
        List<LockFile.Entry> entries = new ArrayList<>();
        List<Map<String, Object>> repos = (List<Map<String, Object>>) t.get("repos");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < repos.size(); i++) {
            Map<String, Object> m = repos.get(i);
            String repoName = (String) m.get("name");
            var at = t.positionOf("repos[" + i + "].commit");
            if (seen.contains(repoName)) {
                var p = t.positionOf("repos[" + i + "].name");
                throw new UserError(List.of(new io.moducop.Diagnostic(name, p.line(), p.column(),
                        "repository '" + repoName + "' is listed twice", "one entry per repository")));
            }
            seen.add(repoName);
            entries.add(new LockFile.Entry(repoName, (String) m.get("url"), (String) m.get("branch"),
                    (String) m.get("commit"), at));
        }
        return new LockFile(name, List.copyOf(entries));
    }

    /** The file's text, without a schema reference. */
    public static String format(String profileName, LockFile lock) {
        return format(profileName, lock, null);
    }

    /**
     * The file's text: a header (with {@code schema}, if not null, as the editor's schema
     * reference), then one block mapping per repository, keys in a fixed order.
     */
    public static String format(String profileName, LockFile lock, String schema) {
        List<Map<String, Object>> repos = new ArrayList<>();
        for (LockFile.Entry e : lock.repos()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("url", e.url());
            m.put("branch", e.branch());
            m.put("commit", e.commit());
            repos.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("profile", profileName);
        doc.put("repos", repos);
        return (schema == null ? "" : "# yaml-language-server: $schema=" + schema + "\n")
                + "# Written by `moducop lock` for " + profileName + ": the revisions `moducop build` checks out.\n"
                + "# Commit it. Refresh with `moducop lock` (branch heads); edit only to pin another commit.\n"
                + YamlWriter.dump(doc);
    }

    /**
     * For editors only (moducop validates against its own copy): the path of lock.schema.json
     * relative to the lock file, found beside it, in a parent directory or in a parent's
     * profiles/ (a checkout of moducop); null if there is none.
     */
    static String schemaReference(Path lockFile) {
        Path dir = lockFile.toAbsolutePath().normalize().getParent();
        String file = Path.of(SCHEMA_RESOURCE).getFileName().toString();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path candidate : List.of(d.resolve(file), d.resolve(SCHEMA_RESOURCE))) {
                if (Files.isRegularFile(candidate)) {
                    return dir.relativize(candidate).toString();
                }
            }
        }
        return null;
    }

    /** Writes next to the target, then renames: a reader never sees half a lock file. */
    public static boolean write(Path path, String profileName, LockFile lock) {
        String text = format(profileName, lock, schemaReference(path));
        parse(path.getFileName().toString(), text); // what we write must be what we accept
        try {
            if (Files.isRegularFile(path) && Files.readString(path).equals(text)) {
                return false;
            }
            AtomicFiles.write(path, text.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            throw IoFailure.of(e, path, "cannot write the lock file");
        }
    }
}
