package io.moducop.boottest;

import io.moducop.profile.PartitionLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A board boot-test runs on: its power (a QEMU machine and its console, {@link Qemu#run}), where
 * it keeps its U-Boot environment, what its disk is, how long a boot may take, and the checks only
 * it can make. Every scenario runs on one: the boot flow ({@link BootFlowScenarios}) and the real
 * userland (--system) on {@link VirtBoard} (QEMU's arm64 virt) or {@link Raspi4bBoard} (QEMU
 * raspi4b with the Pi's own U-Boot). A new board is one more implementation.
 */
public sealed interface Board permits VirtBoard, Raspi4bBoard {

    /** QEMU's arm64 virt board: U-Boot from -bios, the environment in pflash bank 1, a virtio disk. */
    static Board virt(HostAssets assets) {
        return new VirtBoard(assets);
    }

    /** QEMU's raspi4b with the Pi's own U-Boot ({@code assets}: after {@link HostAssets#prepareRaspi}). */
    static Board raspi4b(HostAssets assets) {
        return new Raspi4bBoard(assets);
    }

    /** Appended to each boot-flow scenario's title: which machine ran it ("" for QEMU virt). */
    String note();

    /** Where the boot flow's slots come from: the kernel, initramfs and small root tree. */
    HostAssets slotAssets();

    /** A boot-flow power cycle that has not ended within this has hung. */
    int bootFlowTimeoutSeconds();

    /** Set-up in {@code work} before the scenarios run (e.g. the board's device tree). */
    default void prepare(Path work) throws IOException, InterruptedException {
    }

    /** A new board in {@code dir} for a disk with {@code layout}: a blank environment, the disk not written yet. */
    Unit unit(Path dir, PartitionLayout layout) throws IOException;

    /** Board-specific evidence of a boot that reached the kernel (firmware, where saveenv went). */
    default void expectBoardBoot(Scenario s, BootConsole c) {
    }

    /** Board-specific evidence that {@code dev} is the root. */
    default void expectRootDevice(Scenario s, BootConsole c, String dev) {
    }

    /** Board-specific evidence of the very first power-up: no saved environment yet. */
    default void expectNoSavedEnvironment(Scenario s, BootConsole c) {
    }

    /** Board-specific evidence that U-Boot read an environment written from the running system. */
    default void expectEnvironmentRead(Scenario s, BootConsole c) {
    }

    /** One board on the bench: its disk, its U-Boot environment as the host reads and writes it, its power. */
    interface Unit {
        Path disk();

        /** Called once the disk image is written (raspi4b: it grows to an SD card's size). */
        void diskWritten() throws IOException;

        /** The saved U-Boot environment (empty: none saved yet). */
        Map<String, String> env() throws IOException;

        /** Changes saved variables as a program on the board (fw_setenv, rauc) does. */
        void setEnv(Map<String, String> changes) throws IOException;

        /** One power cycle with the board's own devices, ended as {@code stop} says; the console to {@code log} unless null. */
        Qemu.Boot powerCycle(int timeoutSeconds, Qemu.Stop stop, Path log) throws IOException, InterruptedException;
    }
}
