package io.moducop.boottest;

import io.moducop.profile.PartitionLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * QEMU's arm64 virt board: Debian's qemu_arm64 U-Boot from -bios, the environment in pflash bank
 * 1, the disk on virtio. QEMU exits on U-Boot reset, Linux poweroff or panic. For --system it
 * also has a network, an i6300esb watchdog and a host share ({@link Unit#systemPowerCycle}).
 */
final class VirtBoard implements Board {

    static final int TIMEOUT_SECONDS = 120;

    private final HostAssets assets;

    VirtBoard(HostAssets assets) {
        this.assets = assets;
    }

    @Override
    public String note() {
        return "";
    }

    @Override
    public HostAssets slotAssets() {
        return assets;
    }

    @Override
    public int bootFlowTimeoutSeconds() {
        return TIMEOUT_SECONDS;
    }

    @Override
    public Unit unit(Path dir, PartitionLayout layout) throws IOException {
        Path pflash = dir.resolve("pflash1.img");
        UBootEnvImage.createBlank(pflash);
        return new Unit(dir.resolve("disk.img"), pflash);
    }

    /** A board with this disk and environment flash bank, both as they are (the power-cut scenario's copies). */
    Unit on(Path disk, Path pflash) {
        return new Unit(disk, pflash);
    }

    /** One virt board: its disk and its environment flash bank. */
    final class Unit implements Board.Unit {
        private final Path disk;
        private final Path pflash;

        Unit(Path disk, Path pflash) {
            this.disk = disk;
            this.pflash = pflash;
        }

        @Override
        public Path disk() {
            return disk;
        }

        /** The environment flash bank (pflash unit 1). */
        Path pflash() {
            return pflash;
        }

        @Override
        public void diskWritten() {
        }

        @Override
        public Map<String, String> env() throws IOException {
            return UBootEnvImage.read(pflash).orElse(Map.of());
        }

        @Override
        public void setEnv(Map<String, String> changes) throws IOException {
            UBootEnvImage.update(pflash, changes);
        }

        @Override
        public Qemu.Boot powerCycle(int timeoutSeconds, Qemu.Stop stop, Path log) throws IOException, InterruptedException {
            return Qemu.run(command(), timeoutSeconds, stop, log);
        }

        /**
         * One power cycle of the real-userland board: as {@link #powerCycle} plus the network card's QEMU arguments
         * {@code net} ({@link Qemu.Network#qemuArgs}),
         * an i6300esb watchdog on the PCI bus, and the host directory {@code share} as 9p tag
         * "boottest" for the harness's reporter. The console is written to {@code log} as it comes.
         */
        Qemu.Boot systemPowerCycle(Path share, List<String> net, int timeoutSeconds, Qemu.Stop stop, Path log)
                throws IOException, InterruptedException {
            return Qemu.run(systemCommand(share, net), timeoutSeconds, stop, log);
        }

        /** The QEMU command line of {@link #systemPowerCycle}. */
        List<String> systemCommand(Path share, List<String> net) {
            List<String> cmd = new ArrayList<>(command());
            cmd.addAll(List.of(
                    // the environment bank once more, as a disk Linux can reach (/dev/vdb): Debian's kernel has no CFI flash driver
                    "-drive", "if=none,id=env,format=raw,file=" + pflash + ",file.locking=off",
                    "-device", "virtio-blk-pci,drive=env",
                    "-device", "i6300esb", "-action", "watchdog=reset",
                    "-virtfs", "local,path=" + share + ",mount_tag=boottest,security_model=none,id=boottest"));
            cmd.addAll(net);
            return cmd;
        }

        private List<String> command() {
            return List.of(assets.tool("qemu-system-aarch64").toString(),
                    "-M", "virt", "-cpu", "cortex-a57", "-smp", "1", "-m", "1024",
                    "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
                    "-bios", assets.tool("u-boot.bin").toString(),
                    "-drive", "if=pflash,unit=1,format=raw,file=" + pflash,
                    "-drive", "if=none,id=hd0,format=raw,file=" + disk,
                    "-device", "virtio-blk-device,drive=hd0");
        }
    }
}
