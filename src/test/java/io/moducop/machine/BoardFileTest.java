package io.moducop.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.layer.LayerGenerator;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import io.moducop.profile.Size;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base board as a file next to the profile (board.base: boards/NAME.yaml): read with the built-in
 * boards' schema and checks, reported at file:line:col, confined to the profile's directory, and
 * generating the same layers as a built-in board of the same content.
 */
class BoardFileTest {

    private static final Path IMX = Path.of("examples/imx8mp-evk/imx8mp-evk.yaml");
    private static final Path IMX_BOARD = Path.of("examples/imx8mp-evk/boards/imx8mp-evk.yaml");

    @TempDir
    Path tmp;

    private static String text(SortedMap<String, byte[]> files, String name) {
        byte[] b = files.get(name);
        assertTrue(b != null, name + " not generated; have " + files.keySet());
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A profile in {@code dir} naming boards/b.yaml, with {@code board} as that file. */
    private Path profileWithBoard(Path dir, String board, String release) throws IOException {
        Files.createDirectories(dir.resolve("boards"));
        Files.writeString(dir.resolve("boards/b.yaml"), board);
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, "board:\n  name: moducop-own\n  base: boards/b.yaml\nyocto: { release: " + release + " }\n"
                + "storage: { size: 8GiB, table: gpt }\n");
        return p;
    }

    private static String imxBoard() throws IOException {
        return Files.readString(IMX_BOARD);
    }

    @Test
    void theImxExampleGeneratesItsRawAreaEnvironmentAndKernelFragment() {
        Profile p = ProfileLoader.load(IMX);
        assertEquals("imx8mp-lpddr4-evk", p.base().machine());
        assertEquals(8 * Size.MIB, p.layout().part("boot").start(), "the first partition starts after the raw area");
        SortedMap<String, byte[]> out = new LayerGenerator().generate(List.of(p));
        String wks = text(out, "meta-moducop/files/wic/moducop-imx8mp-evk.wks");
        assertTrue(wks.contains("part --source rawcopy --sourceparams=\"file=imx-boot.tagged\" --no-table --offset 32K --fixed-size 7136K\n"), wks);
        assertTrue(wks.contains("--label boot --align 4096 --offset 8M --fixed-size 64M\n"), wks);
        assertTrue(text(out, "meta-moducop/recipes-bsp/moducop-boot/files/moducop-imx8mp-evk/fw_env.config")
                .endsWith("/dev/mmcblk1  0x700000  0x4000\n"));
        String conf = text(out, "meta-moducop/conf/machine/moducop-imx8mp-evk.conf");
        assertTrue(conf.contains("require conf/machine/imx8mp-lpddr4-evk.conf\n"), conf);
        assertTrue(conf.contains("do_image_wic[depends] += \"imx-boot:do_deploy\"\n"), conf);
        assertTrue(conf.contains("IMAGE_BOOT_FILES:remove = \"Image imx8mp-evk.dtb\"\n"), conf);
        assertTrue(text(out, "meta-moducop/conf/layer.conf")
                .contains("    freescale-layer:${LAYERDIR}/dynamic-layers/freescale-layer/*/*/*.bbappend \\\n"));
        assertTrue(text(out, "meta-moducop/dynamic-layers/freescale-layer/recipes-kernel/linux/files/moducop-rauc.cfg")
                .contains("CONFIG_DM_VERITY=y\n"));
        assertTrue(out.containsKey("meta-moducop/dynamic-layers/freescale-layer/recipes-kernel/linux/linux-fslc-imx_%.bbappend"));
        assertTrue(out.containsKey("meta-moducop/dynamic-layers/raspberrypi/recipes-kernel/linux/linux-raspberrypi_%.bbappend"),
                "the built-in boards' kernels are always there, applied only with their layer");
        String boot = text(out, "meta-moducop/recipes-bsp/moducop-boot/files/moducop-imx8mp-evk/boot.cmd");
        assertTrue(boot.contains("load mmc 1:${moducop_part} ${fdt_addr_r} /boot/imx8mp-evk.dtb"), boot);
        assertTrue(boot.contains("console=ttymxc1,115200 root=${moducop_root}"), boot);
        assertTrue(boot.contains("setenv moducop_root /dev/mmcblk1p2"), boot);
    }

    @Test
    void aBuiltInBoardCopiedIntoAFileGeneratesTheSameBytes() throws IOException {
        Path dir = tmp.resolve("copy");
        Files.createDirectories(dir.resolve("boards"));
        Files.copy(Path.of("machine-configs/raspberrypi4-64.yaml"), dir.resolve("boards/rpi.yaml"));
        Path p = dir.resolve("rpi.yaml");
        Files.writeString(p, Files.readString(Path.of("profiles/raspberrypi4-64.yaml"))
                .replace("base: raspberrypi4-64", "base: boards/rpi.yaml"));
        SortedMap<String, byte[]> own = new LayerGenerator().generate(List.of(ProfileLoader.load(p)));
        SortedMap<String, byte[]> builtIn = new LayerGenerator().generate(List.of(ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml"))));
        assertEquals(builtIn.keySet(), own.keySet());
        for (Map.Entry<String, byte[]> e : builtIn.entrySet()) {
            assertEquals(new String(e.getValue(), StandardCharsets.UTF_8), new String(own.get(e.getKey()), StandardCharsets.UTF_8), e.getKey());
        }
    }

    @Test
    void aBoardFileProblemIsReportedAtItsLineAndColumn() throws IOException {
        Path p = profileWithBoard(tmp.resolve("bad"), imxBoard().replace("console: ttymxc1,115200", "console: \"ttymxc1,115200 init=/bin/sh\""), "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        String expected = tmp.resolve("bad/boards/b.yaml") + ":" + (lineOf(imxBoard(), "console:") + 1) + ":10: ";
        assertTrue(r.err().contains(expected), expected + "\n" + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aBoardFileOutsideTheProfilesDirectoryIsRefused() throws IOException {
        Path outside = tmp.resolve("elsewhere/b.yaml");
        Files.createDirectories(outside.getParent());
        Files.writeString(outside, imxBoard());
        Path dir = Files.createDirectories(tmp.resolve("prof/boards"));
        Files.createSymbolicLink(dir.resolve("b.yaml"), outside);
        Path p = tmp.resolve("prof/p.yaml");
        Files.writeString(p, "board:\n  name: moducop-own\n  base: boards/b.yaml\n");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("board file boards/b.yaml is outside the profile's directory"), r.err());

        Files.writeString(p, "board:\n  name: moducop-own\n  base: ../elsewhere/b.yaml\n");
        r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("board.base"), r.err());
    }

    @Test
    void anOversizedBoardFileIsRefusedWithoutReadingItAll() throws IOException {
        Path p = profileWithBoard(tmp.resolve("big"), imxBoard() + "#" + "x".repeat(300 * 1024) + "\n", "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("b.yaml: the file is larger than 256 KiB"), r.err());
    }

    @Test
    void aBoardWithAnotherBootLoaderIsRefusedSayingWhatIsMissing() throws IOException {
        Path p = profileWithBoard(tmp.resolve("barebox"), imxBoard().replace("boot-loader: u-boot", "boot-loader: barebox"), "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("moducop cannot serve a barebox board yet: it generates the boot flow"), r.err());
        assertTrue(r.err().contains("for u-boot and grub only"), r.err());
    }

    @Test
    void aGrubBoardWithUBootsKeysIsRefusedAtEachOfThem() throws IOException {
        Path p = profileWithBoard(tmp.resolve("grub"), imxBoard().replace("boot-loader: u-boot", "boot-loader: grub"), "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        for (String key : List.of("u-boot", "u-boot-env", "device-tree", "kernel.boot-command")) {
            assertTrue(r.err().contains(": " + key + " is U-Boot's, and this board boots with grub"), r.err());
        }
    }

    @Test
    void aUBootBoardWithoutItsKeysIsRefused() throws IOException {
        Path p = profileWithBoard(tmp.resolve("nouboot"), imxBoard().replaceAll("(?m)^u-boot: .*\n", ""), "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("missing key 'u-boot': a u-boot board needs it for the boot script"), r.err());
    }

    @Test
    void aGrubBoardNeedsRauc() throws IOException {
        Path p = tmp.resolve("norauc/p.yaml");
        Files.createDirectories(p.getParent());
        Files.writeString(p, "board:\n  name: moducop-x\n  base: genericx86-64\nota: { client: none }\n");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("p.yaml:4:16: a grub board marks a healthy slot good through RAUC's grub backend"), r.err());
    }

    @Test
    void aProfileOnAReleaseTheBoardHasNoLayersForIsRefused() throws IOException {
        Path p = profileWithBoard(tmp.resolve("rel"), imxBoard(), "scarthgap");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("has no layers for scarthgap: its board file names no branch of its vendor layers for this release"), r.err());
        assertTrue(r.err().contains("hint: add layers: scarthgap:"), r.err());
    }

    @Test
    void aVendorKernelWithoutItsLayerIsAnErrorNamingTheKey() throws IOException {
        Path p = profileWithBoard(tmp.resolve("kernel"), imxBoard().replace(", layer: freescale-layer", ""), "wrynose");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("missing key 'layer' in kernel: linux-fslc-imx needs RAUC's kernel options"), r.err());
    }

    @Test
    void anEnvironmentOnTheBootDiskMustLieInTheRawAreaClearOfTheBootImages() throws IOException {
        String noArea = imxBoard().replaceAll("(?s)raw-area:.*?max-size: 7136KiB \\}\n", "");
        Cli r = Cli.run("validate", profileWithBoard(tmp.resolve("env1"), noArea, "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("is not inside the raw area before the first partition (17 KiB to 4 MiB)"), r.err());

        String overlap = imxBoard().replace("max-size: 7136KiB", "max-size: 7200KiB");
        r = Cli.run("validate", profileWithBoard(tmp.resolve("env2"), overlap, "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("the environment at 0x700000 lies in the room of imx-boot.tagged"), r.err());

        String table = imxBoard().replace("offset: 32KiB", "offset: 1KiB");
        r = Cli.run("validate", profileWithBoard(tmp.resolve("env3"), table, "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("would overwrite the partition table"), r.err());

        String big = imxBoard().replace("size: 8MiB", "size: 6MiB");
        r = Cli.run("validate", profileWithBoard(tmp.resolve("env4"), big, "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("must be a multiple of the 4 MiB partition alignment"), r.err());
    }

    @Test
    void aRedundantEnvironmentGivesFwEnvConfigItsSecondLine() throws IOException {
        String board = imxBoard().replace("size: \"0x4000\" }", "size: \"0x4000\", redundant: { offset: \"0x710000\" } }");
        Path p = profileWithBoard(tmp.resolve("redund"), board, "wrynose");
        SortedMap<String, byte[]> out = new LayerGenerator().generate(List.of(ProfileLoader.load(p)));
        assertTrue(text(out, "meta-moducop/recipes-bsp/moducop-boot/files/moducop-own/fw_env.config")
                .endsWith("/dev/mmcblk1  0x700000  0x4000\n/dev/mmcblk1  0x710000  0x4000\n"));

        String clash = imxBoard().replace("size: \"0x4000\" }", "size: \"0x4000\", redundant: { offset: \"0x702000\" } }");
        Cli r = Cli.run("validate", profileWithBoard(tmp.resolve("redund2"), clash, "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("the redundant copy overlaps the first one"), r.err());
    }

    @Test
    void runqemuAndLicenceGatedRecommendsComeFromTheBoardFileNotTheMachineName() throws IOException {
        SortedMap<String, byte[]> imx = new LayerGenerator().generate(List.of(ProfileLoader.load(IMX)));
        String plain = text(imx, "meta-moducop/conf/machine/moducop-imx8mp-evk.conf");
        assertFalse(plain.contains("QB_") || plain.contains("moducop-runqemu") || plain.contains("MACHINE_EXTRA_RRECOMMENDS"), plain);

        String board = imxBoard() + "runqemu: { bios: flash.bin, drive-type: /dev/sd, memory: 2048MiB }\n"
                + "licensed-recommends:\n  - { flag: commercial, recipe: gpu-blob, packages: [gpu-blob-a, gpu-blob-b] }\n";
        SortedMap<String, byte[]> out = new LayerGenerator().generate(List.of(ProfileLoader.load(profileWithBoard(tmp.resolve("rq"), board, "wrynose"))));
        String conf = text(out, "meta-moducop/conf/machine/moducop-own.conf");
        assertTrue(conf.contains("MACHINEOVERRIDES =. \"imx8mp-lpddr4-evk:moducop-runqemu:moducop-board:\"\n"), conf);
        assertTrue(conf.contains("QB_DEFAULT_BIOS ?= \"flash.bin\"\nQB_DEFAULT_KERNEL ?= \"none\"\nQB_DEFAULT_FSTYPE ?= \"wic\"\n"
                + "QB_DRIVE_TYPE ?= \"/dev/sd\"\nQB_MEM ?= \"-m 2048\"\n"), conf);
        assertTrue(conf.contains("for f in ('commercial', 'commercial_gpu-blob')) else 'gpu-blob-a gpu-blob-b'}\"\n"), conf);
        assertTrue(text(out, "meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb").contains("do_deploy:append:moducop-runqemu() {"));

        Cli r = Cli.run("validate", profileWithBoard(tmp.resolve("rq2"),
                imxBoard() + "runqemu: { bios: u-boot.bin, drive-type: /dev/vd, memory: 64KiB }\n"
                        + "licensed-recommends: [ { flag: commercial, recipe: gpu-blob, packages: [] } ]\n", "wrynose").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("runqemu.memory 64KiB must be whole MiB, at least 256MiB"), r.err());
        assertTrue(r.err().contains("the list of packages is empty"), r.err());
    }

    @Test
    void schemaBoardPrintsTheBoardContract() {
        Cli r = Cli.run("schema", "--board");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"title\": \"ModuCop base board\""), r.out());
        for (String key : List.of("\"boot-loader\"", "\"raw-area\"", "\"redundant\"", "\"qemu-machine\"", "\"recipe\"")) {
            assertTrue(r.out().contains(key), key);
        }
    }

    @Test
    void validateChecksABoardFileOnItsOwn() throws IOException {
        Cli ok = Cli.run("validate", "--board", IMX_BOARD.toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals(IMX_BOARD + ": ok (base board NXP i.MX 8M Plus EVK, MACHINE imx8mp-lpddr4-evk, releases wrynose)\n", ok.out());

        Path bad = tmp.resolve("b.yaml");
        Files.writeString(bad, imxBoard().replace("machine: imx8mp-lpddr4-evk", "machine: imx8mp-lpddr4-evk\nbootloader: u-boot"));
        Cli r = Cli.run("validate", "--board", bad.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith(bad + ":" + (lineOf(imxBoard(), "machine:") + 2) + ":1: "), r.err());
        assertTrue(r.err().contains("boot-loader"), "did-you-mean names the key: " + r.err());
    }

    private static int lineOf(String text, String start) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        throw new AssertionError(start);
    }
}
