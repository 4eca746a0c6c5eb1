package io.moducop.boottest;

import io.moducop.machine.MachineConfig;
import io.moducop.profile.PartitionLayout;
import io.moducop.util.Processes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Raspberry Pi 4 under QEMU's {@code raspi4b} machine with the Pi's own U-Boot (Debian's
 * u-boot-rpi, rpi_arm64 configuration), booting the generated boot.scr from the SD card's FAT
 * partition, its environment as uboot.env on that partition (CONFIG_ENV_IS_IN_FAT, mmc 0:1, 0x4000
 * bytes), as on the board.
 *
 * <p>What differs from the board, and why (emulation aids, all here and in prepare-raspi.sh):
 * <ul>
 * <li>There is no VideoCore firmware: QEMU loads U-Boot and hands it the device tree, as the
 * firmware would (U-Boot's rpi board code sets {@code fdt_addr} from that pointer). That device
 * tree is derived from Debian's stock {@code bcm2711-rpi-4-b.dtb} by {@link #DTB_EDITS}: the
 * blocks QEMU does not emulate are disabled (Linux 6.1 stops in their probes otherwise), and the
 * SD card sits on the controller QEMU attaches it to. Its {@code /chosen/bootargs} stand for the
 * firmware's kernel arguments, so the generated script's {@code fdt get value ... /chosen bootargs}
 * path is what carries them to the kernel.</li>
 * <li>The kernel console is the PL011 (ttyAMA0, named in those bootargs): Linux hangs opening the
 * emulated mini UART (ttyS, the board's console) as a tty. U-Boot prints on the mini UART. Both
 * UARTs go to one console stream.</li>
 * <li>The SD image is the profile's layout, its size rounded up to a power of two (QEMU's SD card
 * wants one).</li>
 * </ul>
 */
public final class Raspi4bBoard implements Board {

    /** CONFIG_ENV_SIZE of Debian's rpi_arm64 U-Boot (config.rpi_arm64), as fw_env.config says. */
    static final int ENV_SIZE = 0x4000;
    static final String ENV_FILE = "uboot.env";
    static final int TIMEOUT_SECONDS = 900;

    /**
     * What the firmware would pass as kernel arguments, here from the emulation device tree:
     * {@code clk_ignore_unused} (without it Linux stops at a clock gate QEMU does not model), the
     * kernel console on the PL011.
     */
    static final String FIRMWARE_BOOTARGS = "clk_ignore_unused console=ttyAMA0,115200";

    /** One change to the stock device tree: fdtput arguments and why. */
    record DtbEdit(List<String> fdtput, String why) {
        static DtbEdit disable(String node, String what) {
            return new DtbEdit(List.of("-t", "s", node, "status", "disabled"), what + ": not emulated by QEMU raspi4b");
        }
    }

    static final List<DtbEdit> DTB_EDITS = List.of(
            DtbEdit.disable("/soc/interrupt-controller@7ef00100", "bcm2711 L2 interrupt controller (HDMI); Linux panics probing it"),
            DtbEdit.disable("/soc/i2c@7ef04500", "HDMI0 I2C (brcmstb-i2c)"),
            DtbEdit.disable("/soc/i2c@7ef09500", "HDMI1 I2C (brcmstb-i2c)"),
            DtbEdit.disable("/soc/hdmi@7ef00700", "HDMI0"),
            DtbEdit.disable("/soc/hdmi@7ef05700", "HDMI1"),
            DtbEdit.disable("/soc/pixelvalve@7e206000", "pixelvalve0"),
            DtbEdit.disable("/soc/pixelvalve@7e207000", "pixelvalve1"),
            DtbEdit.disable("/soc/pixelvalve@7e20a000", "pixelvalve2"),
            DtbEdit.disable("/soc/pixelvalve@7ec12000", "pixelvalve3"),
            DtbEdit.disable("/soc/pixelvalve@7e216000", "pixelvalve4"),
            DtbEdit.disable("/soc/hvs@7e400000", "HVS"),
            DtbEdit.disable("/soc/vec@7ec13000", "VEC"),
            DtbEdit.disable("/soc/txp@7e004000", "TXP"),
            DtbEdit.disable("/soc/dsi@7e209000", "DSI0"),
            DtbEdit.disable("/soc/dsi@7e700000", "DSI1"),
            DtbEdit.disable("/soc/pwm@7e20c000", "PWM0"),
            DtbEdit.disable("/soc/pwm@7e20c800", "PWM1"),
            DtbEdit.disable("/soc/rng@7e104000", "RNG200"),
            DtbEdit.disable("/soc/avs-monitor@7d5d2000/thermal", "thermal sensor"),
            DtbEdit.disable("/scb/pcie@7d500000", "PCIe (no USB, no NVMe)"),
            DtbEdit.disable("/scb/ethernet@7d580000", "GENET Ethernet"),
            DtbEdit.disable("/scb/gpu@7ec00000", "V3D"),
            // QEMU attaches the SD card to the Arasan SDHCI at 7e300000 (on the board: the WiFi
            // chip's SDIO), not to EMMC2 at 7e340000 where the board's SD slot is. Linux needs that
            // controller without the WiFi power sequence (its GPIO expander is firmware, absent).
            new DtbEdit(List.of("-d", "/soc/mmc@7e300000", "mmc-pwrseq"), "SD card: no WiFi power sequence on QEMU's SD controller"),
            new DtbEdit(List.of("-d", "/soc/mmc@7e300000", "non-removable"), "SD card: a removable card, not the WiFi chip"),
            new DtbEdit(List.of("-r", "/soc/mmc@7e300000/wifi@1"), "SD card: no WiFi chip on QEMU's SD controller"),
            new DtbEdit(List.of("-t", "s", "/chosen", "bootargs", FIRMWARE_BOOTARGS),
                    "the firmware's kernel arguments (there is no firmware): " + FIRMWARE_BOOTARGS));

    private final HostAssets assets;
    private Path dtb;

    Raspi4bBoard(HostAssets assets) {
        this.assets = assets;
    }

    static boolean emulates(MachineConfig base) {
        return base.qemuMachine() == MachineConfig.QemuMachine.RASPI4B;
    }

    /** Whether {@code p}'s boot flow runs on raspi4b: its base board is the Raspberry Pi 4. */
    public static boolean runsOn(io.moducop.profile.Profile p) {
        return emulates(p.base());
    }

    /** The device-tree changes the emulation makes, one line each, for the report. */
    public static List<String> emulationNotes() {
        List<String> l = new ArrayList<>();
        for (DtbEdit e : DTB_EDITS) {
            l.add("fdtput " + String.join(" ", e.fdtput()) + "  # " + e.why());
        }
        return l;
    }

    @Override
    public String note() {
        return " (raspi4b)";
    }

    /** The kernel, initramfs and root tree of the Pi's slots (prepare-raspi.sh: SD host modules added). */
    @Override
    public HostAssets slotAssets() {
        return new HostAssets(assets.tool("raspi-assets"), assets.tools());
    }

    @Override
    public int bootFlowTimeoutSeconds() {
        return TIMEOUT_SECONDS;
    }

    /** The emulation device tree in {@code work}, which every power cycle after this hands to U-Boot. */
    @Override
    public void prepare(Path work) throws IOException, InterruptedException {
        dtb = emulationDtb(work);
    }

    /** One SD card (its layout rounded up to a power of two), the environment in uboot.env on its FAT partition. */
    @Override
    public Board.Unit unit(Path dir, PartitionLayout layout) {
        Path sd = dir.resolve("sd.img");
        long bootOffset = layout.part("boot").start();
        return new Board.Unit() {
            @Override
            public Path disk() {
                return sd;
            }

            @Override
            public void diskWritten() throws IOException {
                padToSdSize(sd, layout.storage());
            }

            @Override
            public Map<String, String> env() throws IOException {
                return readEnv(sd, bootOffset).orElse(Map.of());
            }

            @Override
            public void setEnv(Map<String, String> changes) throws IOException {
                updateEnv(sd, bootOffset, changes);
            }

            @Override
            public Qemu.Boot powerCycle(int timeoutSeconds, Qemu.Stop stop, Path log) throws IOException, InterruptedException {
                return Qemu.run(command(sd), timeoutSeconds, stop, log);
            }
        };
    }

    @Override
    public void expectBoardBoot(Scenario s, BootConsole c) {
        s.expectLine(c, "Found U-Boot script /boot.scr", "the Pi's U-Boot found boot.scr on the SD card's FAT partition");
        s.expectLine(c, "Saving Environment to FAT... OK", "saveenv wrote uboot.env to the FAT boot partition");
        String cmdline = c.cmdline();
        s.expect(cmdline.startsWith(FIRMWARE_BOOTARGS + " "),
                "the firmware's kernel arguments (/chosen/bootargs at ${fdt_addr}) come first on the kernel command line",
                "cmdline " + cmdline);
    }

    @Override
    public void expectRootDevice(Scenario s, BootConsole c, String dev) {
        s.expectLine(c, "mounted " + dev + " (" + dev + ") on /", "the SD card's partition " + dev + " is the root");
    }

    @Override
    public void expectNoSavedEnvironment(Scenario s, BootConsole c) {
        s.expectLine(c, "Unable to read \"" + ENV_FILE + "\" from mmc0:1", "a new card has no uboot.env: U-Boot's default environment");
    }

    @Override
    public void expectEnvironmentRead(Scenario s, BootConsole c) {
        s.expectLine(c, "Loading Environment from FAT... OK", "U-Boot read uboot.env as written from outside");
    }

    /** The emulation device tree: the stock one with {@link #DTB_EDITS} applied (fdtput). */
    private Path emulationDtb(Path work) throws IOException {
        Path dtb = work.resolve("bcm2711-rpi-4-b-qemu.dtb");
        Files.createDirectories(work);
        Files.copy(assets.tool("raspi-dtb"), dtb, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (DtbEdit e : DTB_EDITS) {
            List<String> cmd = new ArrayList<>(List.of(assets.tool("fdtput").toString()));
            if (e.fdtput().get(0).equals("-t")) {
                cmd.addAll(List.of("-t", "s", dtb.toString()));
                cmd.addAll(e.fdtput().subList(2, e.fdtput().size()));
            } else {
                cmd.add(e.fdtput().get(0));
                cmd.add(dtb.toString());
                cmd.addAll(e.fdtput().subList(1, e.fdtput().size()));
            }
            DiskBuilder.run(cmd);
        }
        return dtb;
    }

    /** QEMU's SD card wants a power-of-two size: the image grows (sparse) past the profile's storage. */
    static long sdSize(long storage) {
        long size = Long.highestOneBit(storage);
        return size == storage ? size : size << 1;
    }

    private static void padToSdSize(Path image, long storage) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(sdSize(storage));
        }
    }

    /** QEMU raspi4b with the Pi's U-Boot as its "kernel" and the emulation device tree ({@link #prepare}). */
    private List<String> command(Path sd) {
        return List.of(assets.tool("qemu-system-aarch64").toString(),
                "-M", "raspi4b", "-display", "none", "-no-reboot",
                "-kernel", assets.tool("raspi-u-boot.bin").toString(),
                "-dtb", dtb.toString(),
                "-drive", "file=" + sd + ",if=sd,format=raw",
                // both UARTs on one stream: serial0 the PL011 (Linux's console here), serial1 the
                // mini UART (U-Boot's console, the device tree's stdout-path)
                "-chardev", "stdio,id=con,mux=on,signal=off",
                "-serial", "chardev:con", "-serial", "chardev:con");
    }

    /** uboot.env as U-Boot saved it on the boot partition, or empty (no file, or a bad CRC). */
    private Optional<Map<String, String>> readEnv(Path sd, long bootOffset) throws IOException {
        Path tmp = Files.createTempFile(sd.getParent(), "uboot", ".env");
        try {
            Processes.Result r = Processes.run(List.of(assets.tool("mcopy").toString(), "-n", "-o", "-i", sd + "@@" + bootOffset,
                    "::" + ENV_FILE, tmp.toString()));
            if (!r.ok()) {
                if (r.output().contains("not found")) {
                    return Optional.empty();
                }
                throw new IOException("mcopy ::" + ENV_FILE + " failed: " + r.output().strip());
            }
            if (Files.size(tmp) != ENV_SIZE) {
                throw new IOException(ENV_FILE + " is " + Files.size(tmp) + " bytes, not CONFIG_ENV_SIZE " + ENV_SIZE);
            }
            return UBootEnvImage.read(tmp, ENV_SIZE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Changes variables of uboot.env on the boot partition, as fw_setenv on the board does (the file, in place). */
    private void updateEnv(Path sd, long bootOffset, Map<String, String> changes) throws IOException {
        Map<String, String> vars = new java.util.LinkedHashMap<>(readEnv(sd, bootOffset).orElseThrow(() ->
                new IOException("no valid " + ENV_FILE + " on the boot partition (the boot script never ran saveenv)")));
        vars.putAll(changes);
        Path tmp = Files.createTempFile(sd.getParent(), "uboot", ".env");
        try {
            Files.write(tmp, new byte[ENV_SIZE]);
            UBootEnvImage.write(tmp, vars, ENV_SIZE);
            DiskBuilder.run(assets.tool("mcopy").toString(), "-o", "-i", sd + "@@" + bootOffset, tmp.toString(), "::" + ENV_FILE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
