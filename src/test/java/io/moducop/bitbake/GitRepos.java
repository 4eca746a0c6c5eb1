package io.moducop.bitbake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** Local git repositories made in a test (init, commit, branch): stand-ins for the layer repositories. */
final class GitRepos {
    private GitRepos() {
    }

    /** Creates {@code dir} as a repository on {@code branch} with one commit of {@code files}; returns the commit id. */
    static String create(Path dir, String branch, Map<String, String> files) throws IOException, GitAPIException {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call()) {
            return commit(git, files, "initial");
        }
    }

    /** Adds a commit with {@code files} on the current branch; files ending in .sh or named bitbake are executable. */
    static String commit(Path dir, Map<String, String> files, String message) throws IOException, GitAPIException {
        try (Git git = Git.open(dir.toFile())) {
            return commit(git, files, message);
        }
    }

    private static String commit(Git git, Map<String, String> files, String message) throws IOException, GitAPIException {
        Path root = git.getRepository().getWorkTree().toPath();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
            if (f.getKey().endsWith("/bitbake") || f.getKey().endsWith(".sh")) {
                p.toFile().setExecutable(true, false);
            }
            git.add().addFilepattern(f.getKey()).call();
        }
        return git.commit().setMessage(message).setAuthor("Test", "test@example.com")
                .setCommitter("Test", "test@example.com").setSign(false).call().name();
    }

    static String head(Path dir) throws IOException {
        try (Git git = Git.open(dir.toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    static String lockYaml(String... entries) {
        StringBuilder sb = new StringBuilder("version: 1\nrepos:\n");
        for (int i = 0; i < entries.length; i += 4) {
            sb.append("  - name: ").append(entries[i]).append("\n    url: ").append(entries[i + 1])
                    .append("\n    branch: ").append(entries[i + 2]).append("\n    commit: ").append(entries[i + 3]).append('\n');
        }
        return sb.toString();
    }
}
