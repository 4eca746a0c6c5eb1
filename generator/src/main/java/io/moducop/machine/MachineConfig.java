package io.moducop.machine;

import java.util.List;
import java.util.Map;

/**
 * A base board (machine-config.schema.json): the upstream MACHINE and what the boot flow needs to
 * know. A built-in one from machine-configs/ or a profile's own board file, read by the same code
 * ({@link MachineConfigs}); {@code id} is the built-in name or the file as the profile names it.
 * {@code deviceTree}, {@code uboot}, {@code ubootEnv} and the kernel's boot command are U-Boot's:
 * null on a board another boot loader boots.
 */
public record MachineConfig(
        String id,
        String machine,
        String name,
        Map<Release, List<SourceLayer>> layers,
        List<String> machineOverrides,
        String kmachine,
        List<String> partitionTables,
        RawArea rawArea,
        BootLoader bootLoader,
        String console,
        String containerPlatform,
        Kernel kernel,
        DeviceTree deviceTree,
        UBoot uboot,
        String linuxPartitionPrefix,
        UBootEnv ubootEnv,
        List<String> bootFilesRemove,
        List<Setting> settings,
        List<LicensedRecommends> licensedRecommends,
        Runqemu runqemu,
        QemuMachine qemuMachine) {

    /**
     * The boot loader kinds the format names. The one place that decides what each boot flow is:
     * moducop generates one (templates/boot/ID/: the recipe {@code recipe}, its files and the
     * fragments the shared templates include) for those with a recipe; {@code mountUnit} mounts the
     * partition that holds the flow's state, {@code override} is the machine override the flow's recipe
     * is compatible with (null: moducop-board, which every machine has); never a recipe's name, which
     * bitbake refuses as an override (pn-overrides QA: it would turn RDEPENDS:${PN} into an override).
     */
    public enum BootLoader {
        /** boot.scr with RAUC's U-Boot variables (BOOT_ORDER, BOOT_x_LEFT); the boot partition on /uboot. */
        U_BOOT("moducop-boot", "uboot.mount", null, "vfat: boot.scr and the board's boot files"),
        /** grub.cfg and grubenv with RAUC's GRUB variables (ORDER, x_OK, x_TRY); the EFI system partition on /efi. */
        GRUB("moducop-grub", "efi.mount", "moducop-grub-board", "vfat, EFI system partition: GRUB, grub.cfg, grubenv"),
        BAREBOX(null, null, null, null),
        SYSTEMD_BOOT(null, null, null, null);

        private final String recipe;
        private final String mountUnit;
        private final String override;
        private final String bootPartition;

        BootLoader(String recipe, String mountUnit, String override, String bootPartition) {
            this.recipe = recipe;
            this.mountUnit = mountUnit;
            this.override = override;
            this.bootPartition = bootPartition;
        }

        /** What the boot partition holds, for the layer's README. */
        public String bootPartition() {
            return bootPartition;
        }

        /** The board file's word: the constant's name in lower case, {@code -} for {@code _}. */
        public String id() {
            return word(this);
        }

        /** Its template set on the classpath, {@code templates/boot/ID/}: files mirroring the output tree, and include/. */
        public String templates() {
            return "templates/boot/" + id() + "/";
        }

        public String recipe() {
            return recipe;
        }

        public String mountUnit() {
            return mountUnit;
        }

        public String override() {
            return override;
        }

        /** moducop generates a boot flow for it. */
        public boolean served() {
            return recipe != null;
        }

        public static BootLoader of(String id) {
            return byWord(values(), id);
        }

        public static List<BootLoader> servedOnes() {
            return java.util.Arrays.stream(values()).filter(BootLoader::served).toList();
        }
    }

    /** A QEMU machine boot-test can run the board's own boot flow on (null: none). */
    public enum QemuMachine {
        VIRT, RASPI4B;

        public String id() {
            return word(this);
        }

        public static QemuMachine of(String id) {
            return id == null ? null : byWord(values(), id);
        }
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E byWord(E[] values, String id) {
        return java.util.Arrays.stream(values).filter(v -> word(v).equals(id)).findFirst().orElseThrow();
    }

    /** The storage before the first partition, in bytes; the first partition starts at {@code size}. */
    public record RawArea(long size, List<RawImage> images) {
    }

    /** A deployed file wic writes at {@code offset} with room for {@code maxSize} bytes. */
    public record RawImage(String file, String recipe, long offset, long maxSize) {
        /** wic's size arguments in KiB (offsets and sizes are whole KiB). */
        public String wicOffset() {
            return offset / 1024 + "K";
        }

        public String wicSize() {
            return maxSize / 1024 + "K";
        }
    }

    /** A git repository holding one or more layers ({@code paths}, "." for the top). */
    public record SourceLayer(String name, String url, String branch, List<String> paths) {
    }

    /**
     * {@code recipe}: the kernel recipe; {@code layer}: the collection holding it, null for
     * linux-yocto, which meta-rauc configures for RAUC itself.
     */
    public record Kernel(String image, String bootCommand, String recipe, String layer) {
        /** The kernel needs moducop's RAUC configuration fragment. */
        public boolean needsRaucFragment() {
            return layer != null;
        }
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

    /**
     * fw_env.config: one line, two with a redundant copy ({@code redundantDevice}, {@code
     * redundantOffset}: null without one); {@code bootMount} is set when the environment is a file on
     * the boot partition.
     */
    public record UBootEnv(String device, String offset, String size, String sectorSize, String bootMount,
            String redundantDevice, String redundantOffset) {
        public boolean redundant() {
            return redundantOffset != null;
        }
    }

    public record Setting(String name, String value) {
    }

    /** MACHINE_EXTRA_RRECOMMENDS built only once local.conf accepts {@code flag} (or {@code flag_recipe}). */
    public record LicensedRecommends(String flag, String recipe, List<String> packages) {
    }

    /** oe-core's runqemu settings for the built image; {@code memoryMib} is QB_MEM's {@code -m}. */
    public record Runqemu(String bios, String driveType, long memoryMib) {
    }

    /** The source repositories the board needs on {@code release}, the core first; null when it lists none for it. */
    public List<SourceLayer> layers(Release release) {
        return layers.get(release);
    }

    /** The Linux device of the whole boot disk: {@code /dev/mmcblk0}, {@code /dev/vda}. */
    public String linuxDisk() {
        return linuxPartitionPrefix.matches(".*[0-9]p") ? linuxPartitionPrefix.substring(0, linuxPartitionPrefix.length() - 1)
                : linuxPartitionPrefix;
    }

    /** Linux device of partition {@code n}: {@code /dev/mmcblk0p2}, {@code /dev/vda2}. */
    public String linuxPartition(int n) {
        return linuxPartitionPrefix + n;
    }
}
