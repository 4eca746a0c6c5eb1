package io.moducop.bitbake;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.Profile;
import io.moducop.util.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One build, in order: lock file, disk space, the work directory (the build user can write into
 * it, or moducop creates it), engine and image (all checked before anything is written), the
 * work-directory lock, the sources at the locked commits, the generated layers, the
 * configuration and kas.yml, bitbake in the container, then the artifacts. Returns the
 * exit code; user-fixable problems are thrown as UserError with their own exit code.
 */
public final class BuildRun {

    private static final int TAIL_LINES = 15;
    private static final int TAIL_BYTES = 64 * 1024;

    private final BuildRequest r;
    private final PrintWriter out;
    private final PrintWriter err;
    private final HandOver owned;

    public BuildRun(BuildRequest request, PrintWriter out, PrintWriter err) {
        this.r = request;
        this.out = out;
        this.err = err;
        this.owned = new HandOver(request.user(), request.layout().work());
    }

    public int execute() throws InterruptedException {
        Profile p = r.profile();
        String machine = p.board().name();
        List<MachineConfig.SourceLayer> repos = p.sourceLayers();
        java.util.Optional<RaucSigning> signing = RaucSigning.resolve(p, System.getenv(), !r.dryRun());
        BuildLayout l = r.layout();

        LockFile lock = LockFileIO.read(r.lockFile());
        lock.checkCovers(repos);
        DiskSpace.require(l.work(), r.minFreeGib());
        owned.requireWritable();
        ContainerBuild engine = ContainerBuild.connect();
        engine.requireImage(r.image());

        List<String> targets = p.ota().rauc() ? List.of(BuildConfig.IMAGE, BuildConfig.BUNDLE) : List.of(BuildConfig.IMAGE);
        try (BuildDirLock ignored = lockWork(l, owned)) {
            syncSources(lock, repos);
            OutputTree layers = new OutputTree(l.layers(), LayerGenerator.LAYERS);
            owned.createDirectories(l.layers());
            layers.write(new LayerGenerator().generate(List.of(p)), notice -> err.println(Diagnostic.escape(notice)));
            owned.handOver(l.layers());
            if (!p.apps().isEmpty()) {
                exportAppImages(p, l);
            }
            writeFiles(l.work(), BuildConfig.files(p.release(), machine, repos, r.settings(), signing, !p.apps().isEmpty()), owned);
            l.script().toFile().setExecutable(true, false);
            writeFiles(l.work(), new java.util.TreeMap<>(java.util.Map.of("kas.yml",
                    KasFile.render(machine, lock, repos, targets, r.settings(), p.ota().rauc(), !p.apps().isEmpty()).getBytes(StandardCharsets.UTF_8))),
                    owned);
            for (Path d : List.of(l.downloads(), l.sstate())) {
                if (!Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    owned.createDirectories(d);
                    owned.handOver(d);
                }
            }
            List<String> bitbake = new ArrayList<>(List.of("bash", BuildLayout.inContainer("build/moducop-bitbake.sh")));
            if (r.dryRun()) {
                bitbake.add("-n");
            }
            bitbake.addAll(targets);
            int code;
            Path secrets = Files.createTempDirectory("moducop-secrets-");
            owned.made(secrets);
            try {
                java.util.Optional<RaucSigning> staged = signing.isPresent()
                        ? java.util.Optional.of(signing.get().stage(secrets, owned)) : java.util.Optional.empty();
                code = runBitbake(engine, bitbake, staged.map(RaucSigning::mounts).orElse(java.util.Map.of()));
            } finally {
                SourceCheckout.deleteTree(secrets);
            }
            if (code != 0) {
                return ExitCode.FAILED;
            }
            if (r.dryRun()) {
                out.println("dry run: bitbake -n " + String.join(" ", targets) + " for " + machine + " resolved; log: "
                        + Diagnostic.escape(l.logFile()));
                return ExitCode.OK;
            }
            owned.createDirectories(l.artifacts());
            Artifacts.Manifest m = Artifacts.collect(l.deployImages(machine), l.buildDir(), l.artifacts(), p.release(), machine, lock,
                    p.ota().rauc());
            List<Path> written = new ArrayList<>(m.files().stream().map(f -> l.artifacts().resolve(f.name())).toList());
            written.add(l.artifacts().resolve(Artifacts.MANIFEST));
            for (Path f : written) { // what Artifacts wrote; the directory may hold the user's files too
                owned.made(f);
                owned.handOverOne(f);
            }
            owned.handOverOne(l.artifacts());
            for (Artifacts.FileEntry f : m.files()) {
                out.printf("artifact: %s (%d bytes, sha256 %s)%n", Diagnostic.escape(l.artifacts().resolve(f.name())), f.size(),
                        f.sha256());
            }
            out.println("manifest: " + Diagnostic.escape(l.artifacts().resolve("manifest.json")));
            return ExitCode.OK;
        } catch (IOException e) {
            throw IoFailure.of(e, l.work(), "cannot write the work directory");
        }
    }

    /**
     * Creates the work directory if needed and locks it; what moducop made (the directory, if new,
     * and the lock file in it) becomes the build user's. Nothing else is written before this.
     */
    static BuildDirLock lockWork(BuildLayout l, HandOver owned) {
        owned.createDirectories(l.work());
        BuildDirLock lock = BuildDirLock.acquire(l.work());
        owned.handOverOne(l.work());
        owned.handOverOne(l.work().resolve(BuildDirLock.FILE));
        return lock;
    }

    /**
     * The images of the profile's applications, fetched into the image cache (with --offline: from
     * it only) and exported for the machine's platform into WORK/apps-oci, replaced in one rename.
     */
    private void exportAppImages(Profile p, BuildLayout l) throws IOException {
        io.moducop.apps.ImageCache cache = new io.moducop.apps.ImageCache(r.images(), null,
                r.settings().offline());
        io.moducop.apps.Platform platform = io.moducop.apps.Platform.parse(p.base().containerPlatform());
        List<io.moducop.apps.ImageRef> refs;
        try {
            refs = cache.fetchAll(p.apps(), platform, line -> out.println("app " + Diagnostic.escape(line)));
        } catch (InterruptedException e) {
            throw interrupted();
        }
        Path next = l.work().resolve(BuildLayout.APPS_OCI + ".next");
        SourceCheckout.deleteTree(next);
        cache.export(refs, platform, next);
        Path old = l.work().resolve(BuildLayout.APPS_OCI + ".old");
        SourceCheckout.deleteTree(old);
        if (Files.exists(l.appImages())) {
            Files.move(l.appImages(), old);
        }
        Files.move(next, l.appImages());
        SourceCheckout.deleteTree(old);
        owned.made(l.appImages());
        owned.handOver(l.appImages());
    }

    private void syncSources(LockFile lock, List<MachineConfig.SourceLayer> repos) {
        owned.createDirectories(r.layout().sources());
        for (MachineConfig.SourceLayer repo : repos) {
            LockFile.Entry e = lock.entry(repo.name()).orElseThrow();
            String url = r.mirrors().fetchUrl(repo.name(), e.url());
            Path dir = r.layout().source(repo.name());
            SourceCheckout.Result res = SourceCheckout.sync(lock, e, url, dir);
            out.printf("source %-22s %s %s%s%n", repo.name(), e.commit().substring(0, 12), res.outcome().name().toLowerCase(),
                    res.outcome() == SourceCheckout.Outcome.UNCHANGED ? "" : " (from " + Diagnostic.escape(url) + ")");
            if (res.outcome() == SourceCheckout.Outcome.KEPT_LOCAL_CHANGES) {
                err.println("warning: " + Diagnostic.escape(dir) + " has local changes (" + res.localChanges().size()
                        + " files); building them as they are");
            }
            if (res.outcome() == SourceCheckout.Outcome.CLONED || res.outcome() == SourceCheckout.Outcome.UPDATED) {
                owned.handOver(r.layout().sources());
            }
        }
        out.flush();
    }

    /** Writes {@code files} under {@code root}; they and the directories made for them become the build user's. */
    static void writeFiles(Path root, SortedMap<String, byte[]> files, HandOver owned) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path target = root.resolve(e.getKey());
            owned.createDirectories(target.getParent());
            AtomicFiles.write(target, e.getValue());
        }
        for (String f : files.keySet()) {
            Path p = root.resolve(f);
            for (Path q = p; q != null && q.startsWith(root) && !q.equals(root); q = q.getParent()) {
                owned.handOverOne(q);
            }
        }
    }

    private int runBitbake(ContainerBuild engine, List<String> command, java.util.Map<Path, String> secrets)
            throws InterruptedException, IOException {
        BuildLayout l = r.layout();
        BitbakeProgress progress = new BitbakeProgress();
        ProgressDisplay display = new ProgressDisplay(out, r.terminal(), r.progressIntervalMillis());
        display.message("bitbake in " + r.image() + " as " + r.user().spec() + (r.dryRun() ? " (dry run: bitbake -n)" : "")
                + "; full log: " + Diagnostic.escape(l.logFile()));
        int code;
        try (BufferedWriter log = newLog(l.logFile())) {
            owned.handOverOne(l.logFile());
            code = engine.run(new ContainerBuild.Spec(r.image(), l, r.user(), command, secrets, r.settings().onLoopback()), line -> {
                try {
                    log.write(line);
                    log.write('\n');
                    log.flush(); // the log is the live view for `tail -f`
                } catch (IOException e) {
                    throw IoFailure.of(e, l.logFile(), "cannot write the build log");
                }
                progress.accept(line).ifPresent(c -> display.update(c, System.currentTimeMillis()));
            });
        } finally {
            display.finish();
        }
        progress.summary().ifPresent(s -> out.println("bitbake: " + s));
        if (code != 0) {
            reportFailure(l, err, code, progress);
        }
        out.flush();
        return code;
    }

    /**
     * A new, empty build log. The build directory is the build user's, and the profile's recipes run
     * as that user: whatever they left under the log's name (a link to /etc/passwd, say) is
     * removed, never written through.
     */
    static BufferedWriter newLog(Path file) throws IOException {
        Files.deleteIfExists(file);
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
    }

    /** What failed: each task with the tail of its log, else bitbake's errors or the tail of the build log. */
    static void reportFailure(BuildLayout l, PrintWriter err, int code, BitbakeProgress progress) throws IOException {
        err.println("bitbake failed (exit code " + code + "); full log: " + Diagnostic.escape(l.logFile()));
        if (progress.failedTasks().isEmpty()) {
            List<String> shown = progress.errors().isEmpty() ? tail(l.logFile()) : progress.errors();
            shown.forEach(s -> err.println("  | " + Diagnostic.escape(s)));
        }
        for (BitbakeProgress.FailedTask t : progress.failedTasks()) {
            err.println("failed task: " + Diagnostic.escape(t.task()));
            if (t.logFile() == null) {
                continue;
            }
            Path log;
            try {
                log = l.toHost(t.logFile()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                err.println("  log: " + Diagnostic.escape(t.logFile()));
                continue;
            }
            err.println("  log: " + Diagnostic.escape(log));
            if (inBuildDir(l, log)) {
                try {
                    tail(log).forEach(s -> err.println("  | " + Diagnostic.escape(s)));
                } catch (IOException e) {
                    err.println("  (cannot read it: " + IoFailure.reason(e) + ")");
                }
            }
        }
        err.flush();
    }

    /**
     * bitbake names the task log, and what runs in the container is the profile's: only a regular
     * file inside WORK/build, links resolved, is shown (never, say, /etc/shadow read as root).
     */
    private static boolean inBuildDir(BuildLayout l, Path log) {
        Path build = l.buildDir();
        try {
            return log.startsWith(build) && Files.isRegularFile(log, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && log.toRealPath().startsWith(build.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of a log, read from its end (at most 64 KiB), undecodable bytes replaced. */
    private static List<String> tail(Path log) throws IOException {
        byte[] bytes;
        long size;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(log, java.nio.file.StandardOpenOption.READ,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            size = ch.size();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(size, TAIL_BYTES));
            while (b.hasRemaining() && ch.read(b, size - b.capacity() + b.position()) > 0) {
                // read to the end
            }
            bytes = java.util.Arrays.copyOf(b.array(), b.position());
        }
        List<String> lines = new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
        if (size > bytes.length && !lines.isEmpty()) {
            lines.remove(0); // cut in the middle
        }
        return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    }

    /** Thrown up to the command when the user interrupted the build. */
    public static UserError interrupted() {
        return UserError.of("moducop build", "interrupted; the container was stopped and removed", null, ExitCode.INTERRUPTED);
    }
}
