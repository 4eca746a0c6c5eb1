package io.moducop.machine;

import java.util.List;
import java.util.Map;

/** A base board from machine-configs/: the upstream MACHINE and what the boot flow needs to know. */
public record MachineConfig(
        String id,
        String machine,
        String name,
        Map<Release, List<SourceLayer>> layers,
        List<String> machineOverrides,
        String kmachine,
        List<String> partitionTables,
        String console,
        String containerPlatform,
        Kernel kernel,
        DeviceTree deviceTree,
        UBoot uboot,
        String linuxPartitionPrefix,
        UBootEnv ubootEnv,
        List<String> bootFilesRemove,
        List<Setting> settings) {

    /** A git repository holding one or more layers ({@code paths}, "." for the top). */
    public record SourceLayer(String name, String url, String branch, List<String> paths) {
    }

    public record Kernel(String image, String bootCommand) {
    }

    /**
     * {@code file} is null when the firmware or QEMU supplies the device tree, or when U-Boot names
     * it ({@code ${fdtfile}}); {@code firmwareBootargs}: the firmware passes kernel arguments in it.
     */
    public record DeviceTree(String source, String file, String address, boolean firmwareBootargs) {
        public boolean fromFile() {
            return "file".equals(source);
        }
    }

    public record UBoot(String interfaceName, int device, String arch) {
    }

    /** One fw_env.config line; {@code bootMount} is set when the environment is a file on the boot partition. */
    public record UBootEnv(String device, String offset, String size, String sectorSize, String bootMount) {
    }

    public record Setting(String name, String value) {
    }

    /** The source repositories the board needs on {@code release}, the core first. */
    public List<SourceLayer> layers(Release release) {
        return layers.get(release);
    }

    /** Linux device of partition {@code n}: {@code /dev/mmcblk0p2}, {@code /dev/vda2}. */
    public String linuxPartition(int n) {
        return linuxPartitionPrefix + n;
    }
}
