package io.moducop.yocto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.layer.LayerGenerator;
import io.moducop.layer.OutputTree;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated layers checked by real Yocto (bitbake -p, -e, -g, and optionally -n, signatures,
 * yocto-check-layer, wic) through ../shared/yocto/check-layer.sh. CI has no Yocto sources, so
 * this runs only when MODUCOP_YOCTO_CHECK names the checker script; MODUCOP_YOCTO_SKIP chooses
 * the checks to leave out (default "dryrun sigs ycl": the slow ones).
 */
@Tag("yocto")
class YoctoCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"qemuarm64", "beaglebone-yocto", "raspberrypi4-64", "scarthgap/qemuarm64"})
    void realBitbakeAcceptsTheGeneratedLayers(String profileName) throws IOException, InterruptedException {
        String script = System.getenv("MODUCOP_YOCTO_CHECK");
        if (script == null || script.isBlank()) {
            String why = "SKIPPED: real-Yocto check of " + profileName
                    + ": set MODUCOP_YOCTO_CHECK=../shared/yocto/check-layer.sh (and YC_MIRROR for the first run)";
            System.err.println(why);
            Assumptions.abort(why);
        }
        Profile profile = ProfileLoader.load(Path.of("profiles", profileName + ".yaml"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "moducop-yocto-");
        new OutputTree(dir, LayerGenerator.LAYERS).write(new LayerGenerator().generate(List.of(profile)), m -> { });
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);

        ProcessBuilder pb = new ProcessBuilder("bash", script, dir.resolve(LayerGenerator.BSP_LAYER).toString(),
                profile.board().name(), "moducop-image");
        pb.environment().put("DISTRO", "moducop");
        String release = profile.release().id();
        pb.environment().put("YC_BRANCH", release);
        // the checker enables meta and meta-poky only; beaglebone-yocto lives in meta-yocto-bsp
        String ycRoot = System.getenv().getOrDefault("YC_ROOT_" + release.toUpperCase(java.util.Locale.ROOT),
                "scarthgap".equals(release) ? "/var/tmp/yocto" : "/var/tmp/yocto-wrynose");
        pb.environment().put("YC_ROOT", ycRoot);
        pb.environment().put("YC_EXTRA_LAYERS", ycRoot + "/poky/meta-yocto-bsp " + dir.resolve(LayerGenerator.DISTRO_LAYER));
        pb.environment().putIfAbsent("YC_SKIP", System.getenv().getOrDefault("MODUCOP_YOCTO_SKIP", "dryrun sigs ycl"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.HOURS));
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("yocto-check: (\\d+)/\\1 passed.*")), out);
    }
}
