package io.moducop.cli;

import io.moducop.Diagnostic;
import io.moducop.ExitCode;
import io.moducop.apps.ImageCache;
import io.moducop.apps.Platform;
import io.moducop.profile.Profile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "fetch", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Fetch the applications' container images into the image cache.",
            "Fetch the images of the profiles' applications for each board's platform into the image cache,",
            "checked against the digests pinned in the compose files. Registry credentials come from the",
            "standard containers auth file (skopeo login / podman login), mirrors from registries.conf."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image is in the cache and matches its digest",
            "1:reading or writing the image cache failed (one line names the path)",
            "2:a profile or compose file is invalid, or the cache has a symbolic link where fetch writes",
            "3:skopeo is not installed",
            "9:an image could not be fetched, does not match its digest, or is not for the board's platform",
            "130:interrupted"})
final class FetchCommand implements Callable<Integer> {

    @Mixin
    ProfileArgs profiles;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "The image cache, outside every generated layer (default: ~/.cache/moducop/images).")
    Path cache;

    @Option(names = "--offline", description = "Use no network: every image must be in the cache or in --from.")
    boolean offline;

    @Option(names = "--from", paramLabel = "DIR",
            description = "Take images from this OCI directory (another image cache's oci/) instead of their registries.")
    Path from;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ImageCache images = new ImageCache(cache != null ? cache : ImageCache.defaultDir(), from, offline);
        try {
            for (Profile p : profiles.load()) {
                images.fetchAll(p.apps(), Platform.parse(p.base().containerPlatform()), line -> spec.commandLine().getOut().println(report(p.source(), line)));
            }
        } catch (InterruptedException e) {
            throw io.moducop.UserError.of("moducop fetch", "interrupted",
                    null, ExitCode.INTERRUPTED);
        }
        return ExitCode.OK;
    }

    /** One of ImageCache's report lines, for the profile it is about; both shown escaped. */
    static String report(String source, String line) {
        return Diagnostic.escape(source) + ": " + Diagnostic.escape(line);
    }
}
