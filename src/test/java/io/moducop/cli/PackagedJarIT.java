package io.moducop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.util.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as users run it: every example profile generates, and --check then finds nothing. */
class PackagedJarIT {

    @TempDir
    Path tmp;

    @Test
    void thePackagedJarGeneratesEveryExampleProfile() throws Exception {
        Path jar = Path.of("target/moducop.jar");
        assertTrue(Files.isRegularFile(jar), "package first");
        String out = tmp.resolve("layers").toString();
        List<String> java = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString());
        for (String args : List.of("generate -o " + out + " profiles/qemuarm64.yaml profiles/raspberrypi4-64.yaml profiles/beaglebone-yocto.yaml",
                "generate --check -o " + out + " profiles/qemuarm64.yaml profiles/raspberrypi4-64.yaml profiles/beaglebone-yocto.yaml",
                "validate", "schema")) {
            List<String> cmd = new java.util.ArrayList<>(java);
            cmd.addAll(List.of(args.split(" ")));
            Processes.Result r = Processes.run(cmd);
            assertEquals(0, r.exitCode(), args + ":\n" + r.output());
        }
    }
}
