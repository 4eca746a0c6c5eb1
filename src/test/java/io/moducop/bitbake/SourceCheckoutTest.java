package io.moducop.bitbake;

import io.moducop.ExitCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JGit against local repositories created here: clone, update, pin, refuse to clobber, mirror, url rewrite. */
class SourceCheckoutTest {

    @TempDir
    Path tmp;

    private LockFile lock(String name, String url, String commit) {
        return LockFileIO.parse("t.lock.yaml", GitRepos.lockYaml(name, url, "scarthgap", commit));
    }

    @Test
    void clonesThenUpdatesToTheLockedCommitAndLeavesItAlone() throws Exception {
        Path upstream = tmp.resolve("up/meta-x");
        String c1 = GitRepos.create(upstream, "scarthgap", Map.of("conf/layer.conf", "# one\n"));
        String url = upstream.toUri().toString();
        Path dir = tmp.resolve("sources/meta-x");

        LockFile l1 = lock("meta-x", "file://" + upstream, c1);
        var r = SourceCheckout.sync(l1, l1.repos().get(0), url, dir);
        assertEquals(SourceCheckout.Outcome.CLONED, r.outcome());
        assertEquals(c1, GitRepos.head(dir));
        assertEquals("# one\n", Files.readString(dir.resolve("conf/layer.conf")));

        String c2 = GitRepos.commit(upstream, Map.of("conf/layer.conf", "# two\n"), "two");
        String c3 = GitRepos.commit(upstream, Map.of("conf/layer.conf", "# three\n"), "three");
        LockFile l2 = lock("meta-x", "file://" + upstream, c2); // not the branch head: needs the history
        r = SourceCheckout.sync(l2, l2.repos().get(0), url, dir);
        assertEquals(SourceCheckout.Outcome.UPDATED, r.outcome());
        assertEquals(c2, GitRepos.head(dir));
        assertEquals("# two\n", Files.readString(dir.resolve("conf/layer.conf")));

        r = SourceCheckout.sync(l2, l2.repos().get(0), "file:///nonexistent/needs/no/fetch", dir);
        assertEquals(SourceCheckout.Outcome.UNCHANGED, r.outcome(), "commit present: no fetch, works offline");

        assertEquals(c3, SourceCheckout.branchHead("meta-x", url, "scarthgap"));
    }

    @Test
    void neverClobbersLocalChanges() throws Exception {
        Path upstream = tmp.resolve("up/meta-x");
        String c1 = GitRepos.create(upstream, "scarthgap", Map.of("conf/layer.conf", "# one\n"));
        String c2 = GitRepos.commit(upstream, Map.of("conf/layer.conf", "# two\n"), "two");
        Path dir = tmp.resolve("sources/meta-x");
        LockFile l1 = lock("meta-x", "file://" + upstream, c1);
        SourceCheckout.sync(l1, l1.repos().get(0), upstream.toUri().toString(), dir);
        Files.writeString(dir.resolve("conf/layer.conf"), "# my local edit\n");

        var same = SourceCheckout.sync(l1, l1.repos().get(0), upstream.toUri().toString(), dir);
        assertEquals(SourceCheckout.Outcome.KEPT_LOCAL_CHANGES, same.outcome());
        assertEquals(List.of("conf/layer.conf"), same.localChanges());

        LockFile l2 = lock("meta-x", "file://" + upstream, c2);
        UserError e = assertThrows(UserError.class, () -> SourceCheckout.sync(l2, l2.repos().get(0), upstream.toUri().toString(), dir));
        assertEquals(ExitCode.SOURCES_DIRTY, e.exitCode());
        assertTrue(e.diagnostics().get(0).message().contains("has local changes"), e.getMessage());
        assertEquals("# my local edit\n", Files.readString(dir.resolve("conf/layer.conf")));
        assertEquals(c1, GitRepos.head(dir));
    }

    @Test
    void missingRevisionIsExitSixNamingTheLockFileLine() throws Exception {
        Path upstream = tmp.resolve("up/meta-x");
        GitRepos.create(upstream, "scarthgap", Map.of("conf/layer.conf", "# one\n"));
        String bogus = "0123456789abcdef0123456789abcdef01234567";
        LockFile l = lock("meta-x", "file://" + upstream, bogus);
        UserError e = assertThrows(UserError.class,
                () -> SourceCheckout.sync(l, l.repos().get(0), upstream.toUri().toString(), tmp.resolve("s/meta-x")));
        assertEquals(ExitCode.LOCK_STALE, e.exitCode());
        assertTrue(e.diagnostics().get(0).format().startsWith("t.lock.yaml:6:13: commit " + bogus), e.diagnostics().get(0).format());
    }

    @Test
    void unreachableRepositoryIsExitNineNamingLayerAndUrl() {
        LockFile l = lock("meta-x", "https://git.example.invalid/meta-x", "0123456789abcdef0123456789abcdef01234567");
        UserError e = assertThrows(UserError.class,
                () -> SourceCheckout.sync(l, l.repos().get(0), "file:///nonexistent/meta-x", tmp.resolve("s/meta-x")));
        assertEquals(ExitCode.FETCH_FAILED, e.exitCode());
        assertTrue(e.diagnostics().get(0).message().contains("'meta-x' from file:///nonexistent/meta-x"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("s/meta-x")), "a failed clone leaves nothing behind");
    }

    @Test
    void mirrorDirectoryAndUrlRewrite() throws Exception {
        Files.createDirectories(tmp.resolve("mirror"));
        GitRepos.create(tmp.resolve("mirror/poky.git"), "scarthgap", Map.of("README", "bare-named\n"));
        GitRepos.create(tmp.resolve("mirror/meta-openembedded"), "scarthgap", Map.of("README", "plain\n"));
        SourceMirrors m = new SourceMirrors(tmp.resolve("mirror"),
                List.of(SourceMirrors.UrlRewrite.parse("https://git.yoctoproject.org/=file:///srv/yocto/"),
                        SourceMirrors.UrlRewrite.parse("https://git.yoctoproject.org/meta-virt=file:///srv/virt/meta-virt")));
        assertEquals(tmp.resolve("mirror/poky.git").toUri().toString(), m.fetchUrl("poky", "https://git.yoctoproject.org/poky"));
        assertEquals(tmp.resolve("mirror/meta-openembedded").toUri().toString(),
                m.fetchUrl("meta-openembedded", "https://git.openembedded.org/meta-openembedded"));
        assertEquals("file:///srv/virt/meta-virtualization",
                m.fetchUrl("meta-virtualization", "https://git.yoctoproject.org/meta-virtualization"), "longest prefix wins");
        assertEquals("file:///srv/yocto/meta-raspberrypi", m.fetchUrl("meta-raspberrypi", "https://git.yoctoproject.org/meta-raspberrypi"));
        assertThrows(UserError.class, () -> SourceMirrors.UrlRewrite.parse("https://x=$(reboot)"));
    }

    @Test
    void lockCommandWritesBranchHeadsFromTheMirrorButRecordsUpstreamUrls() throws Exception {
        Path mirror = tmp.resolve("mirror");
        String poky = GitRepos.create(mirror.resolve("poky"), "scarthgap", Map.of("README", "poky\n"));
        String oe = GitRepos.create(mirror.resolve("meta-openembedded"), "scarthgap", Map.of("README", "oe\n"));
        String virt = GitRepos.create(mirror.resolve("meta-virtualization.git"), "scarthgap", Map.of("README", "virt\n"));
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board: { name: moducop-t, base: qemuarm64 }\nota: { client: none }\nyocto: { release: scarthgap }\n");

        Cli r = Cli.run("lock", "--mirror", mirror.toString(), profile.toString());
        assertEquals(0, r.exitCode(), r.err());
        String text = Files.readString(tmp.resolve("board.lock.yaml"));
        assertTrue(text.contains("  - name: poky\n    url: \"https://git.yoctoproject.org/poky\"\n    branch: scarthgap\n    commit: "), text);
        assertEquals(List.of(poky, oe, virt), LockFileIO.read(tmp.resolve("board.lock.yaml")).repos().stream()
                .map(LockFile.Entry::commit).toList(), text);
        assertTrue(r.out().contains("wrote "), r.out());
        assertTrue(Cli.run("lock", "--mirror", mirror.toString(), profile.toString()).out().contains("up to date: "));

        Cli bad = Cli.run("lock", "--mirror", tmp.resolve("empty").toString(), profile.toString());
        assertEquals(2, bad.exitCode(), "a --mirror that is not a directory is bad input");
        Files.createDirectories(tmp.resolve("empty"));
        Cli offline = Cli.run("lock", "--mirror", tmp.resolve("empty").toString(),
                "--url-rewrite", "https://=file:///nonexistent/", profile.toString());
        assertEquals(ExitCode.FETCH_FAILED, offline.exitCode(), offline.err());
        assertTrue(offline.err().contains("cannot fetch layer repository 'poky' from file:///nonexistent/git.yoctoproject.org/poky"), offline.err());
    }
}
