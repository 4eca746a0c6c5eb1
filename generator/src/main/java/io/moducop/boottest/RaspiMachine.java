package io.moducop.boottest;

import io.moducop.machine.MachineConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
final class RaspiMachine {

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

    RaspiMachine(HostAssets assets) {
        this.assets = assets;
    }

    static boolean emulates(MachineConfig base) {
        return base.qemuMachine() == MachineConfig.QemuMachine.RASPI4B;
    }

    /** The kernel, initramfs and root tree of the Pi's slots (prepare-raspi.sh: SD host modules added). */
    HostAssets slotAssets() {
        return new HostAssets(assets.tool("raspi-assets"), assets.tools());
    }

    /** The emulation device tree: the stock one with {@link #DTB_EDITS} applied (fdtput). */
    Path emulationDtb(Path work) throws IOException {
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

    static void padToSdSize(Path image, long storage) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(sdSize(storage));
        }
    }

    /** One power cycle: from QEMU start until U-Boot resets, Linux powers off or reboots, or the timeout. */
    Qemu.Boot powerCycle(Path sd, Path dtb) throws IOException, InterruptedException {
        return powerCycle(sd, dtb, TIMEOUT_SECONDS, l -> false);
    }

    /**
     * As {@link #powerCycle(Path, Path)}, ending also when a line matches {@code end} (Linux's
     * "reboot: Power down": without firmware there is nothing that switches the emulated board off).
     */
    Qemu.Boot powerCycle(Path sd, Path dtb, int timeoutSeconds, java.util.function.Predicate<String> end)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(assets.tool("qemu-system-aarch64").toString(),
                "-M", "raspi4b", "-display", "none", "-no-reboot",
                "-kernel", assets.tool("raspi-u-boot.bin").toString(),
                "-dtb", dtb.toString(),
                "-drive", "file=" + sd + ",if=sd,format=raw",
                // both UARTs on one stream: serial0 the PL011 (Linux's console here), serial1 the
                // mini UART (U-Boot's console, the device tree's stdout-path)
                "-chardev", "stdio,id=con,mux=on,signal=off",
                "-serial", "chardev:con", "-serial", "chardev:con");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        StringBuffer console = new StringBuffer();
        List<Double> times = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    console.append(line.replace("\r", "")).append('\n');
                    times.add((System.nanoTime() - start) / 1e9);
                    if (end.test(line)) {
                        p.destroyForcibly();
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; what was read so far is kept
            }
        });
        reader.start();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        reader.join(5000);
        return new Qemu.Boot(console.toString(), (System.nanoTime() - start) / 1e9, !exited, List.copyOf(times), !exited);
    }

    /** uboot.env as U-Boot saved it on the boot partition, or empty (no file, or a bad CRC). */
    Optional<Map<String, String>> readEnv(Path sd, long bootOffset) throws IOException {
        Path tmp = Files.createTempFile(sd.getParent(), "uboot", ".env");
        try {
            Process p = new ProcessBuilder(assets.tool("mcopy").toString(), "-n", "-o", "-i", sd + "@@" + bootOffset,
                    "::" + ENV_FILE, tmp.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                if (out.contains("not found")) {
                    return Optional.empty();
                }
                throw new IOException("mcopy ::" + ENV_FILE + " failed: " + out.strip());
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
    void updateEnv(Path sd, long bootOffset, Map<String, String> changes) throws IOException {
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
