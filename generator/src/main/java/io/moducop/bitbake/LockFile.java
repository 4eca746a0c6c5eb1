package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.machine.MachineConfig;
import io.moducop.schema.Position;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pinned revisions of a profile's layer repositories ({@code <profile>.lock.yaml}).
 * {@code file} is the name used in diagnostics; each entry remembers where it stood in the file.
 */
public record LockFile(String file, List<Entry> repos) {

    /** One repository at one commit. {@code at} is the position of its {@code commit:} value. */
    public record Entry(String name, String url, String branch, String commit, Position at) {
        public Entry(String name, String url, String branch, String commit) {
            this(name, url, branch, commit, Position.UNKNOWN);
        }
    }

    /** {@code profiles/qemuarm64.yaml} -> {@code profiles/qemuarm64.lock.yaml}. */
    public static Path pathFor(Path profile) {
        String name = profile.getFileName().toString();
        String stem = name.endsWith(".yaml") ? name.substring(0, name.length() - 5)
                : name.endsWith(".yml") ? name.substring(0, name.length() - 4) : name;
        return profile.resolveSibling(stem + ".lock.yaml");
    }

    public Optional<Entry> entry(String name) {
        return repos.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * The lock must pin exactly the repositories the board needs, with the same URL and branch;
     * otherwise it is stale and {@code moducop lock} must be run again. Never floats silently.
     */
    public void checkCovers(List<MachineConfig.SourceLayer> layers) {
        List<Diagnostic> errors = new ArrayList<>();
        String hint = "run: moducop lock <profile> (it rewrites the lock file from the branch heads)";
        for (MachineConfig.SourceLayer l : layers) {
            Optional<Entry> e = entry(l.name());
            if (e.isEmpty()) {
                errors.add(Diagnostic.of(file, "lock file has no entry for layer repository '" + l.name() + "'", hint));
            } else if (!e.get().url().equals(l.url()) || !e.get().branch().equals(l.branch())) {
                Position p = e.get().at();
                errors.add(new Diagnostic(file, p.line(), p.column(), "lock entry '" + l.name() + "' pins " + e.get().url()
                        + " branch " + e.get().branch() + " but the board needs " + l.url() + " branch " + l.branch(), hint));
            }
        }
        for (Entry e : repos) {
            if (layers.stream().noneMatch(l -> l.name().equals(e.name()))) {
                errors.add(new Diagnostic(file, e.at().line(), e.at().column(),
                        "lock entry '" + e.name() + "' is not a layer repository of this board", hint));
            }
        }
        if (!errors.isEmpty()) {
            throw new UserError(errors, ExitCode.LOCK_STALE);
        }
    }
}
