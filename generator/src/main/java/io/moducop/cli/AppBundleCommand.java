package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.apps.ImageCache;
import io.moducop.ota.AppBundle;
import io.moducop.ota.RaucHost;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

// no mixinStandardHelpOptions: its --version would take the bundle version's name (moducop --version still works)
@Command(name = "app-bundle",
        description = {"Make a signed RAUC bundle of a profile's applications only.",
            "Make a signed RAUC bundle that carries the profile's applications (compose file",
            "and pinned images, from the image cache) as artifacts of the 'apps' repository,",
            "without a Yocto build. Signed with ota.signing like OS bundles; made with RAUC 1.13",
            "from a Debian trixie tree built once in the cache (needs root). A device installs it",
            "into /data; nothing runs the installed apps yet: see docs/applications.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the bundle is written and verifies with the profile's keyring",
            "1:an I/O error, rauc failed, or the RAUC host tree could not be built (nothing written)",
            "2:bad input: profile without applications, an image missing from the cache, bad --version or output path,"
                + " signing material missing or not from the keyring's CA (nothing written)",
            "3:not root, or mmdebstrap is not installed",
            "130:interrupted"})
final class AppBundleCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(paramLabel = "PROFILE", description = "The board profile (one).")
    Path profileFile;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The bundle to write (e.g. web-2.raucb).")
    Path output;

    @Option(names = "--version", paramLabel = "V",
            description = "[update] version= of the bundle (default: apps- and 12 hex digits of a hash of the apps' archives).")
    String version;

    @Option(names = "--images", paramLabel = "DIR",
            description = "The applications' image cache (default: ~/.cache/moducop/images; see fetch).")
    Path images;

    @Option(names = "--rauc-cache", paramLabel = "DIR",
            description = "Where the Debian trixie tree with RAUC is kept (default: ~/.cache/moducop/rauc-host).")
    Path raucCache;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Profile p = ProfileLoader.load(profileFile);
        AppBundle.Plan plan = AppBundle.plan(p, images != null ? images : ImageCache.defaultDir(), version, output, System.getenv(),
                profileFile.toString());
        try {
            RaucHost rauc = RaucHost.prepare(raucCache != null ? raucCache : RaucHost.defaultDir());
            AppBundle.Made m = plan.make(rauc);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%s: %.1f MiB, %s, compatible '%s', version '%s'%n", Diagnostic.escape(m.file().toString()),
                    m.bytes() / 1048576.0, rauc.version(), m.compatible(), m.version());
            out.printf("  apps: %s (%d image%s), artifacts of repository '%s'%n", String.join(" ", m.apps()), m.images(),
                    m.images() == 1 ? "" : "s", AppBundle.REPOSITORY);
            return ExitCode.OK;
        } catch (InterruptedException e) {
            throw UserError.of("moducop app-bundle", "interrupted", null, ExitCode.INTERRUPTED);
        }
    }
}
