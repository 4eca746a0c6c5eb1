package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.HostTools;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated shell scripts, U-Boot scripts and grub.cfg checked by the real tools. */
class GeneratedScriptsTest {

    @TempDir
    Path tmp;

    private Path generateAll() throws IOException {
        return generate(List.of(
                ProfileLoader.load(Path.of("profiles/qemuarm64.yaml")),
                ProfileLoader.load(Path.of("profiles/beaglebone-yocto.yaml")),
                ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml"))));
    }

    private Path generate(List<io.moducop.profile.Profile> profiles) {
        Path out = tmp.resolve("layers-" + profiles.size() + "-" + profiles.get(0).ota().client());
        new OutputTree(out, LayerGenerator.LAYERS).write(new LayerGenerator().generate(profiles), m -> { });
        return out;
    }

    @Test
    void shellScriptsPassShellcheckAsPosixSh() throws IOException {
        HostTools.require("shellcheck", "shellcheck");
        // with RAUC the health gate marks good through rauc, without it through fw_setenv
        for (String ota : List.of("rauc", "none")) {
            Path out = generate(List.of(ProfileLoader.parse("p.yaml",
                    "board: { name: moducop-x, base: qemuarm64 }\nota: { client: " + ota + " }\n")));
            Path files = out.resolve("meta-moducop-distro/recipes-core/moducop-init/files");
            for (String script : List.of("moducop-init", "moducop-health")) {
                Path p = files.resolve(script);
                assertTrue(Files.readString(p).startsWith("#!/bin/sh\n"), script + " must be a POSIX sh script");
                HostTools.Result r = HostTools.run(List.of("shellcheck", "--shell=sh", "--severity=style", p.toString()));
                assertEquals(0, r.exitCode(), ota + " " + script + ":\n" + r.output());
            }
        }
    }

    @Test
    void bootScriptsCompileWithMkimage() throws IOException {
        HostTools.require("mkimage", "u-boot-tools");
        Path out = generateAll();
        Map<String, String> arch = Map.of("moducop-qemuarm64", "arm64", "moducop-beaglebone", "arm", "moducop-rpi4", "arm64");
        for (Map.Entry<String, String> e : arch.entrySet()) {
            Path cmd = out.resolve("meta-moducop/recipes-bsp/moducop-boot/files/" + e.getKey() + "/boot.cmd");
            Path scr = tmp.resolve(e.getKey() + ".scr");
            HostTools.Result r = HostTools.run(List.of("mkimage", "-A", e.getValue(), "-T", "script", "-C", "none",
                    "-n", "ModuCop A/B boot", "-d", cmd.toString(), scr.toString()));
            assertEquals(0, r.exitCode(), r.output());
            HostTools.Result info = HostTools.run(List.of("mkimage", "-l", scr.toString()));
            assertTrue(info.output().contains("Linux Script"), info.output());
        }
    }

    @Test
    void grubCfgPassesGrubScriptCheck() throws IOException {
        HostTools.require("grub-script-check", "grub-common");
        Path out = generate(List.of(ProfileLoader.load(Path.of("profiles/genericx86-64.yaml"))));
        Path cfg = out.resolve("meta-moducop/recipes-bsp/moducop-grub/files/moducop-x86-64/grub.cfg");
        HostTools.Result r = HostTools.run(List.of("grub-script-check", cfg.toString()));
        assertEquals(0, r.exitCode(), r.output());
        // the checker reads the file: one if without its fi fails
        Path broken = tmp.resolve("broken.cfg");
        Files.writeString(broken, Files.readString(cfg).replaceFirst("(?m)^fi$", ""));
        assertEquals(1, HostTools.run(List.of("grub-script-check", broken.toString())).exitCode());
    }

    @Test
    void aGrubBoardBesideUBootBoardsChangesNoneOfTheirFiles() throws IOException {
        Path alone = generateAll();
        Path mixed = generate(List.of(
                ProfileLoader.load(Path.of("profiles/qemuarm64.yaml")),
                ProfileLoader.load(Path.of("profiles/beaglebone-yocto.yaml")),
                ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml")),
                ProfileLoader.load(Path.of("profiles/genericx86-64.yaml"))));
        List<String> before;
        try (var s = Files.walk(alone.resolve("meta-moducop"))) {
            before = s.filter(Files::isRegularFile).map(p -> alone.relativize(p).toString()).sorted().toList();
        }
        for (String f : before) {
            if (!f.equals("meta-moducop/README")) {
                assertEquals(Files.readString(alone.resolve(f)), Files.readString(mixed.resolve(f)), f);
            }
        }
        assertTrue(Files.exists(mixed.resolve("meta-moducop/recipes-bsp/moducop-grub/moducop-grub.bb")));
        assertTrue(Files.exists(mixed.resolve("meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb")));
        assertTrue(Files.notExists(alone.resolve("meta-moducop/recipes-bsp/moducop-grub")));
    }

    @Test
    void noMachineOverrideIsARecipeName() throws IOException {
        Path out = generate(List.of(ProfileLoader.load(Path.of("profiles/genericx86-64.yaml")),
                ProfileLoader.load(Path.of("profiles/qemuarm64.yaml"))));
        java.util.Set<String> recipes;
        try (var s = Files.walk(out)) {
            recipes = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bb"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(java.util.stream.Collectors.toSet());
        }
        for (io.moducop.machine.MachineConfig.BootLoader l : io.moducop.machine.MachineConfig.BootLoader.servedOnes()) {
            assertTrue(l.override() == null || !recipes.contains(l.override()),
                    l.override() + " is a recipe's name: bitbake refuses it as an override (pn-overrides)");
        }
        assertTrue(recipes.contains("moducop-grub"), recipes.toString());
    }
}
