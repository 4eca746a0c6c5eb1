package io.moducop.profile;

import io.moducop.machine.MachineConfig;
import java.util.List;

/**
 * A validated board profile: everything the generator needs, defaults filled in.
 * {@code source} is the file name the generated files name in their header.
 */
public record Profile(
        String source,
        Board board,
        MachineConfig base,
        Storage storage,
        PartitionSizes partitions,
        int bootAttempts,
        Overlays overlays,
        Containers containers) {

    public record Board(String name, String description) {
    }

    public record Storage(long size, String table) {
    }

    /** {@code data} is null when the data partition takes the rest of the storage. */
    public record PartitionSizes(long boot, long rootfs, Long data) {
    }

    public record Overlays(List<String> persistent, List<String> volatileDirs) {
    }

    public record Containers(List<String> registries, boolean dockerAlias, boolean compose) {
    }

    /** The same profile on another base board (boot-test runs real-board logic on QEMU's devices). */
    public Profile withBase(MachineConfig other) {
        return new Profile(source, board, other, storage, partitions, bootAttempts, overlays, containers);
    }
}
