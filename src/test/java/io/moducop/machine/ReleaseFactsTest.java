package io.moducop.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The committed {@code releases/RELEASE.yaml} is what {@code scripts/release-facts.py} makes from
 * the release's metadata now. Needs a build directory of that release with the generated layers
 * (the one ../shared/yocto/check-layer.sh makes): {@code MODUCOP_YOCTO_BUILD_WRYNOSE} (or
 * {@code _SCARTHGAP}) names it, {@code MODUCOP_YOCTO_CORE_...} the checkout with oe-init-build-env;
 * as root bitbake runs as {@code MODUCOP_YOCTO_USER} (default yocto). Skipped, and says so, without them.
 */
@Tag("yocto")
class ReleaseFactsTest {

    @ParameterizedTest
    @EnumSource(Release.class)
    void committedFactsAreWhatTheReleaseMetadataSays(Release release) throws IOException, InterruptedException {
        String suffix = release.id().toUpperCase(Locale.ROOT);
        String build = System.getenv("MODUCOP_YOCTO_BUILD_" + suffix);
        String core = System.getenv("MODUCOP_YOCTO_CORE_" + suffix);
        if (build == null || core == null) {
            Assumptions.abort("SKIPPED: set MODUCOP_YOCTO_BUILD_" + suffix + " and MODUCOP_YOCTO_CORE_" + suffix
                    + " to check releases/" + release.id() + ".yaml against bitbake -e");
        }
        Path script = Path.of("scripts/release-facts.py").toAbsolutePath();
        String inner = "cd '" + core + "' && . ./oe-init-build-env '" + build + "' > /dev/null && python3 '" + script + "' '" + build + "'";
        List<String> cmd = "root".equals(System.getProperty("user.name"))
                ? List.of("runuser", "-u", System.getenv().getOrDefault("MODUCOP_YOCTO_USER", "yocto"), "--", "env", "-i",
                        "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG=en_US.UTF-8", "HOME=/tmp", "bash", "-c", inner)
                : List.of("bash", "-c", inner);
        Path out = Files.createTempFile("release-facts", ".yaml");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertTrue(p.waitFor(30, TimeUnit.MINUTES), "release-facts.py did not finish in 30 minutes");
            assertEquals(0, p.exitValue(), "release-facts.py failed");
            String committed = Files.readString(Path.of("generator/src/main/resources/releases/" + release.id() + ".yaml"));
            String now = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(withoutSources(committed), withoutSources(now), "releases/" + release.id()
                    + ".yaml differs from what the metadata says now: run scripts/release-facts.py and review the diff");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The layers' commits are provenance: a newer checkout with the same facts still passes. */
    private static String withoutSources(String facts) {
        return facts.replaceAll("(?ms)^sources:\\n(  .*?\\n)*", "");
    }
}
