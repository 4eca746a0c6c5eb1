package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a first flash of a real board needs from the generated layers, checked on the output of all
 * three example profiles; each test failed on the layers generated before these fixes.
 */
class RealBoardsTest {

    private static SortedMap<String, byte[]> files;

    @BeforeAll
    static void generate() {
        files = new LayerGenerator().generate(List.of(
                ProfileLoader.load(Path.of("profiles/qemuarm64.yaml")),
                ProfileLoader.load(Path.of("profiles/beaglebone-yocto.yaml")),
                ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml"))));
    }

    private static String text(String name) {
        byte[] b = files.get(name);
        assertTrue(b != null, name + " is not generated");
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String bootCmd(String machine) {
        return text("meta-moducop/recipes-bsp/moducop-boot/files/" + machine + "/boot.cmd");
    }

    /** wic writes an fstab line for every part with a mount point; a RAUC bundle's slot has none. */
    @Test
    void noPartWritesAnFstabLineAndTheBootPartitionIsMountedByAUnit() {
        for (String m : List.of("moducop-qemuarm64", "moducop-beaglebone", "moducop-rpi4")) {
            for (String line : text("meta-moducop/files/wic/" + m + ".wks").lines().filter(l -> l.startsWith("part ")).toList()) {
                assertTrue(line.startsWith("part / ") || line.startsWith("part --"), m + ": a mount point other than /: " + line);
            }
            String unit = text("meta-moducop/recipes-bsp/moducop-boot/files/" + m + "/uboot.mount");
            assertTrue(unit.contains("Where=/uboot\n") && unit.contains("WantedBy=local-fs.target"), unit);
        }
        assertTrue(text("meta-moducop/recipes-bsp/moducop-boot/files/moducop-rpi4/uboot.mount").contains("What=/dev/mmcblk0p1\n"));
        assertTrue(text("meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb").contains("SYSTEMD_SERVICE:${PN} = \"uboot.mount\""));
    }

    @Test
    void aPanicRebootsAndOnlyAHealthySlotIsMarkedGood() {
        for (String m : List.of("moducop-qemuarm64", "moducop-beaglebone", "moducop-rpi4")) {
            assertTrue(bootCmd(m).contains(" panic=5 "), m);
        }
        String health = text("meta-moducop-distro/recipes-core/moducop-init/files/moducop-health");
        assertTrue(health.contains("rauc status mark-good") && health.contains("systemctl reboot"), health);
        assertTrue(text("meta-moducop-distro/recipes-core/images/moducop-image.bb").contains("BAD_RECOMMENDATIONS += \"rauc-mark-good\""));
        assertTrue(text("meta-moducop-distro/recipes-core/moducop-init/files/moducop-watchdog.conf").contains("RuntimeWatchdogSec="));
        assertTrue(text("meta-moducop-distro/recipes-core/moducop-init/moducop-init.bb")
                .contains("install -D -m 0644 ${S}/moducop-watchdog.conf ${D}${systemd_unitdir}/system.conf.d/moducop-watchdog.conf"));
    }

    @Test
    void thePiKeepsTheFirmwaresKernelArguments() {
        String pi = bootCmd("moducop-rpi4");
        assertTrue(pi.contains("fdt get value moducop_firmware_args /chosen bootargs"), pi);
        assertTrue(pi.contains("setenv bootargs \"${moducop_firmware_args} console="), pi);
        assertFalse(bootCmd("moducop-qemuarm64").contains("moducop_firmware_args"));
    }

    /** The Pi's U-Boot keeps a saved fdt_addr over the firmware's next one: the script never saves it. */
    @Test
    void theFirmwaresDeviceTreeAddressIsNeverSaved() {
        String pi = bootCmd("moducop-rpi4");
        assertFalse(pi.lines().anyMatch(l -> l.strip().equals("saveenv")), pi);
        assertTrue(pi.contains("setenv moducop_saveenv 'setenv moducop_fdt ${fdt_addr}; setenv fdt_addr; saveenv; setenv fdt_addr ${moducop_fdt}'"), pi);
    }

    @Test
    void aReusedCardGetsItsDataPartitionFormatted() {
        for (String m : List.of("moducop-qemuarm64", "moducop-beaglebone", "moducop-rpi4")) {
            assertTrue(text("meta-moducop/files/wic/" + m + ".wks").contains("--source rawcopy --sourceparams=\"file=moducop-data-blank.img\""), m);
        }
        assertTrue(text("meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb").contains("printf 'MODUCOP-DATA-BLANK\\n'"));
        assertTrue(text("meta-moducop-distro/recipes-core/moducop-init/files/moducop-init").contains("= \"MODUCOP-DATA-BLANK\""));
    }

    @Test
    void containersResolveEachOtherAndComeBackAfterAReboot() {
        String distro = text("meta-moducop-distro/conf/distro/moducop.conf");
        assertTrue(distro.contains("VIRTUAL-RUNTIME_container_networking = \"netavark\""), distro);
        assertTrue(distro.contains("VIRTUAL-RUNTIME_container_dns = \"aardvark-dns\""), distro);
        assertTrue(text("meta-moducop-distro/recipes-containers/moducop-container-config/files/50-moducop.conf")
                .contains("network_backend = \"netavark\""));
        assertTrue(text("meta-moducop-distro/recipes-containers/podman/podman_%.bbappend")
                .contains("SYSTEMD_SERVICE:${PN}:append:moducop = \" podman-restart.service\""));
    }

    @Test
    void machineSpecificRaucFilesArePackagedPerMachineAndThePiKernelCanInstallVerityBundles() {
        assertTrue(text("meta-moducop/dynamic-layers/rauc/recipes-core/rauc/rauc-conf.bbappend")
                .contains("PACKAGE_ARCH:moducop-board = \"${MACHINE_ARCH}\""));
        String cfg = text("meta-moducop/dynamic-layers/raspberrypi/recipes-kernel/linux/files/moducop-rauc.cfg");
        for (String option : List.of("CONFIG_BLK_DEV_LOOP=y", "CONFIG_SQUASHFS=y", "CONFIG_DM_VERITY=y")) {
            assertTrue(cfg.contains(option + "\n"), option);
        }
        assertTrue(text("meta-moducop/conf/layer.conf").contains("raspberrypi:${LAYERDIR}/dynamic-layers/raspberrypi/*/*/*.bbappend"));
    }

    @Test
    void seedingASlotRemovesOnlyTheOverlaysWorkDirectories() {
        String init = text("meta-moducop-distro/recipes-core/moducop-init/files/moducop-init");
        assertFalse(init.contains("-name work"), "a directory called work under /root must survive an update");
        assertTrue(init.contains("rm -rf \"$staging$d/work\""), init);
    }

    /** U-Boot commands the boot script may use, and the option of the board's configuration that enables each. */
    private static final Map<String, String> COMMANDS = Map.of("setexpr", "CONFIG_CMD_SETEXPR", "saveenv", "CONFIG_CMD_SAVEENV",
            "fdt", "CONFIG_CMD_FDT", "load", "CONFIG_CMD_FS_GENERIC", "booti", "CONFIG_CMD_BOOTI", "bootz", "CONFIG_CMD_BOOTZ",
            "echo", "CONFIG_CMD_ECHO", "itest", "CONFIG_CMD_ITEST", "for", "CONFIG_HUSH_PARSER", "if", "CONFIG_HUSH_PARSER");

    /**
     * Every command the boot script uses is enabled in the configuration Debian builds the board's
     * own U-Boot with (am335x_evm for the BeagleBone, rpi_arm64 for the Pi, qemu_arm64); the
     * BeagleBone's has no setexpr. .ci/u-boot-configs extracts them from Debian's packages.
     */
    @Test
    void bootScriptsUseOnlyCommandsTheBoardsOwnUBootHas() throws IOException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache/moducop/u-boot-configs");
        boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || Files.isRegularFile(dir.resolve("config.am335x_evm")),
                "SKIPPED: run .ci/u-boot-configs to get the boards' U-Boot configurations from Debian's packages");
        Path qemu = Path.of("/usr/share/doc/u-boot-qemu/configs/config.qemu_arm64.gz");
        Map<String, Path> configs = Map.of("moducop-beaglebone", dir.resolve("config.am335x_evm"),
                "moducop-rpi4", dir.resolve("config.rpi_arm64"));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> e : configs.entrySet()) {
            String config = Files.readString(e.getValue());
            for (String cmd : commands(bootCmd(e.getKey()))) {
                String option = COMMANDS.get(cmd);
                if (option != null && !config.contains("\n" + option + "=y\n")) {
                    problems.add(e.getKey() + " uses " + cmd + ", but " + e.getValue().getFileName() + " lacks " + option);
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(Files.readString(configs.get("moducop-beaglebone")).contains("# CONFIG_CMD_SETEXPR is not set"),
                "the BeagleBone's U-Boot has no setexpr, which is why the script needs none");
        assumeTrue(Files.exists(qemu), "the qemu_arm64 configuration comes with u-boot-qemu");
    }

    /** The command words of a U-Boot script: first word of each statement, quoted text and comments removed. */
    static TreeSet<String> commands(String script) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : script.lines().toList()) {
            String code = line.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("#.*", "");
            for (String statement : code.split(";|&&|\\|\\|")) {
                String[] words = statement.trim().split("\\s+");
                int i = 0;
                while (i < words.length && List.of("then", "else", "do", "elif", "!").contains(words[i])) {
                    i++;
                }
                if (i < words.length && !words[i].isEmpty()) {
                    out.add(words[i]);
                }
            }
        }
        return out;
    }
}
