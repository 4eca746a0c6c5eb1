package io.moducop.yocto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * REAL Yocto, no stand-in: {@code moducop lock} + {@code moducop build --dry-run --offline} of
 * profiles/qemuarm64.yaml through the builder container (bitbake -n moducop-image: parse and
 * the whole task graph). Needs MODUCOP_YOCTO_SOURCES, a directory holding git repositories
 * the repositories of the built-in profile's release (wrynose: bitbake, openembedded-core,
 * meta-yocto, meta-openembedded, meta-virtualization, meta-rauc; NAME or NAME.git), used as the
 * --mirror; optionally MODUCOP_YOCTO_WORK (a work directory kept between runs; parse is ~5 min
 * cold) and MODUCOP_BUILDER_IMAGE. Skipped, saying so, without MODUCOP_YOCTO_SOURCES.
 */
@Tag("yocto")
class YoctoBuildDryRunTest {

    @Test
    void realBitbakeDryRunOfQemuarm64ThroughTheContainerOffline() throws Exception {
        String sources = System.getenv("MODUCOP_YOCTO_SOURCES");
        if (sources == null || sources.isBlank()) {
            String why = "SKIPPED: real-Yocto build --dry-run: set MODUCOP_YOCTO_SOURCES to a directory with the"
                    + " repositories the built-in profile locks (wrynose: bitbake, openembedded-core, meta-yocto, meta-openembedded,"
                    + " meta-virtualization, meta-rauc)";
            System.err.println(why);
            Assumptions.abort(why);
        }
        Path dir = Files.createTempDirectory("moducop-yocto-dry-");
        Path profile = dir.resolve("qemuarm64.yaml");
        Files.copy(Path.of("profiles/qemuarm64.yaml"), profile);
        Cli lock = Cli.run("lock", "--mirror", sources, profile.toString());
        assertEquals(0, lock.exitCode(), lock.err());
        String work = System.getenv().getOrDefault("MODUCOP_YOCTO_WORK", dir.resolve("work").toString());
        String image = System.getenv().getOrDefault("MODUCOP_BUILDER_IMAGE", "localhost/moducop-builder:debian-12");
        Cli r = Cli.run("build", "--dry-run", "--offline", "--mirror", sources, "--image", image, "--work", work, profile.toString());
        System.out.println(r.out());
        System.err.println(r.err());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String log = Files.readString(Path.of(work, "build", "moducop-build.log"));
        assertTrue(log.contains("NOTE: Tasks Summary:") || log.contains("Running task"), log);
    }
}
