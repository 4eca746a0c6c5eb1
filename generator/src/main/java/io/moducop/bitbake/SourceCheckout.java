package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;

/**
 * One layer repository in the sources directory, brought to a locked commit with JGit.
 * Clones when absent; fetches only when the commit is not already there (so a warm sources
 * directory builds offline); checks the commit out detached. A checkout with local changes is
 * never touched: if it is already at the commit it is used as it is (with a warning), otherwise
 * the build stops.
 */
public final class SourceCheckout {

    /** What happened to a repository. */
    public enum Outcome { CLONED, UPDATED, UNCHANGED, KEPT_LOCAL_CHANGES }

    public record Result(String name, String commit, Outcome outcome, List<String> localChanges) {
    }

    private SourceCheckout() {
    }

    /** The commit at the head of {@code branch} in the repository at {@code fetchUrl} (no clone needed). */
    public static String branchHead(String name, String fetchUrl, String branch) {
        try {
            Collection<Ref> refs = Git.lsRemoteRepository().setRemote(fetchUrl).setHeads(true).call();
            return refs.stream().filter(r -> r.getName().equals("refs/heads/" + branch)).findFirst()
                    .map(r -> r.getObjectId().name())
                    .orElseThrow(() -> UserError.of(name, "branch '" + branch + "' does not exist in " + fetchUrl,
                            "check the branch in machine-configs/ or the mirror's contents", ExitCode.FETCH_FAILED));
        } catch (GitAPIException | RuntimeException e) {
            if (e instanceof UserError ue) {
                throw ue;
            }
            throw fetchFailed(name, fetchUrl, e);
        }
    }

    /** Brings {@code dir} to {@code entry.commit()}, fetching {@code entry.branch()} from {@code fetchUrl} if needed. */
    public static Result sync(LockFile lock, LockFile.Entry entry, String fetchUrl, Path dir) {
        try {
            if (!Files.exists(dir.resolve(".git"))) {
                if (Files.exists(dir) && !isEmptyDir(dir)) {
                    throw UserError.of(dir.toString(), "exists but is not a git checkout of " + entry.name(),
                            "move it away; moducop clones " + entry.url() + " there", ExitCode.SOURCES_DIRTY);
                }
                clone(entry, fetchUrl, dir);
                try (Git git = Git.open(dir.toFile())) {
                    ensureCommit(lock, git, entry, fetchUrl);
                    checkout(git, entry.commit(), false); // from the branch head the clone checked out
                }
                return new Result(entry.name(), entry.commit(), Outcome.CLONED, List.of());
            }
            try (Git git = Git.open(dir.toFile())) {
                ObjectId head = git.getRepository().resolve("HEAD");
                boolean atCommit = head != null && head.name().equals(entry.commit());
                List<String> changes = localChanges(git);
                if (atCommit) {
                    return new Result(entry.name(), entry.commit(),
                            changes.isEmpty() ? Outcome.UNCHANGED : Outcome.KEPT_LOCAL_CHANGES, changes);
                }
                if (!changes.isEmpty()) {
                    throw UserError.of(dir.toString(), "has local changes and is at " + (head == null ? "no commit" : head.name())
                            + ", not the locked " + entry.commit() + " (" + changes.size() + " changed: "
                            + String.join(", ", changes.subList(0, Math.min(5, changes.size()))) + ")",
                            "commit or stash them, or check out the locked commit yourself; moducop never overwrites local changes",
                            ExitCode.SOURCES_DIRTY);
                }
                ensureCommit(lock, git, entry, fetchUrl);
                checkout(git, entry.commit(), false); // clean, and a non-forced checkout never overwrites
                return new Result(entry.name(), entry.commit(), Outcome.UPDATED, List.of());
            }
        } catch (IOException e) {
            throw io.moducop.IoFailure.of(e, dir, "cannot check out the sources");
        }
    }

    private static void clone(LockFile.Entry entry, String fetchUrl, Path dir) {
        try {
            Files.createDirectories(dir.getParent());
            Git.cloneRepository().setURI(fetchUrl).setDirectory(dir.toFile())
                    .setBranchesToClone(List.of("refs/heads/" + entry.branch())).setBranch("refs/heads/" + entry.branch())
                    .setDepth(1).call().close();
        } catch (GitAPIException | RuntimeException | IOException e) {
            deleteTree(dir);
            throw fetchFailed(entry.name(), fetchUrl, e);
        }
    }

    /**
     * Makes the locked commit present: nothing to do when it is; else the branch head at depth 1
     * (the usual case: the lock names the head), else the branch's whole history.
     */
    private static void ensureCommit(LockFile lock, Git git, LockFile.Entry entry, String fetchUrl) throws IOException {
        if (hasCommit(git.getRepository(), entry.commit())) {
            return;
        }
        fetch(git, entry, fetchUrl, false);
        if (!hasCommit(git.getRepository(), entry.commit())) {
            fetch(git, entry, fetchUrl, true);
        }
        if (!hasCommit(git.getRepository(), entry.commit())) {
            throw new UserError(List.of(new Diagnostic(lock.file(), entry.at().line(), entry.at().column(),
                    "commit " + entry.commit() + " of '" + entry.name() + "' does not exist in " + fetchUrl
                            + " (fetched branch " + entry.branch() + ")",
                    "the lock file names a revision the repository does not have: fix it, or run moducop lock")),
                    ExitCode.LOCK_STALE);
        }
    }

    private static void fetch(Git git, LockFile.Entry entry, String fetchUrl, boolean fullHistory) {
        try {
            var fetch = git.fetch().setRemote(fetchUrl)
                    .setRefSpecs(new RefSpec("+refs/heads/" + entry.branch() + ":refs/remotes/origin/" + entry.branch()));
            boolean shallow = Files.exists(git.getRepository().getDirectory().toPath().resolve("shallow"));
            if (!fullHistory) {
                fetch.setDepth(1);
            } else if (shallow) {
                fetch.setUnshallow(true);
            }
            fetch.call();
        } catch (GitAPIException | RuntimeException e) {
            throw fetchFailed(entry.name(), fetchUrl, e);
        }
    }

    private static boolean hasCommit(Repository repo, String commit) throws IOException {
        ObjectId id = ObjectId.fromString(commit);
        if (!repo.getObjectDatabase().has(id)) {
            return false;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(id);
            return c != null;
        } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            return false;
        }
    }

    private static void checkout(Git git, String commit, boolean forced) {
        try {
            git.checkout().setName(commit).setForced(forced).call();
        } catch (GitAPIException e) {
            throw new IllegalStateException("checkout of " + commit + " failed: " + e.getMessage(), e);
        }
    }

    private static List<String> localChanges(Git git) {
        try {
            Status s = git.status().call();
            Set<String> all = new java.util.TreeSet<>();
            all.addAll(s.getUncommittedChanges());
            all.addAll(s.getUntracked());
            all.addAll(s.getConflicting());
            return List.copyOf(all);
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UserError fetchFailed(String name, String fetchUrl, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return UserError.of(name, "cannot fetch layer repository '" + name + "' from " + fetchUrl + ": " + why,
                "offline? use --mirror DIR (DIR/" + name + ".git or DIR/" + name + ") or --url-rewrite FROM=TO",
                ExitCode.FETCH_FAILED);
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteTree(Path dir) {
        try {
            if (Files.exists(dir)) {
                org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
            }
        } catch (IOException ignored) {
            // best effort: a failed clone leaves nothing we rely on
        }
    }
}
