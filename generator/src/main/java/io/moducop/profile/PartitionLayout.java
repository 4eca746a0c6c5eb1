package io.moducop.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where boot, rootA, rootB and data sit on the storage: every partition starts on a 4 MiB
 * boundary (room before the first one for raw bootloaders and U-Boot environments), and GPT keeps
 * 1 MiB at the end for its backup table. The numbers match what wic does with {@code --align 4096}.
 */
public record PartitionLayout(String table, long storage, List<Part> parts) {

    public static final long ALIGN = 4 * Size.MIB;
    public static final long MIN_DATA = 256 * Size.MIB;

    /** An MBR addresses 2^32 sectors of 512 bytes. */
    public static final long MSDOS_MAX = (1L << 32) * 512;

    public record Part(int number, String name, long start, long size) {
        public long end() {
            return start + size;
        }

        /** The size as wic's {@code --fixed-size} wants it. */
        public String wicSize() {
            return size % Size.MIB == 0 ? size / Size.MIB + "M" : size / Size.KIB + "K";
        }
    }

    /** Computes the layout with the first partition at 4 MiB. */
    public static Result compute(long storage, String table, long boot, long rootfs, Long data) {
        return compute(ALIGN, storage, table, boot, rootfs, data);
    }

    /**
     * Computes the layout with the first partition at {@code first} (the end of the board's raw
     * area, a multiple of 4 MiB), or explains with the arithmetic why it does not fit.
     */
    public static Result compute(long first, long storage, String table, long boot, long rootfs, Long data) {
        long endReserve = "gpt".equals(table) ? Size.MIB : 0;
        long used = first + boot + 2 * rootfs;
        String parts = Size.format(first) + (first == ALIGN ? " (table and alignment)" : " (table and the board's raw area)") + " + " + Size.format(boot) + " boot + 2 × "
                + Size.format(rootfs) + " rootA/rootB";
        String tail = endReserve > 0 ? " + " + Size.format(endReserve) + " (backup GPT)" : "";
        long dataSize;
        if (data == null) {
            long free = storage - used - endReserve;
            dataSize = free / ALIGN * ALIGN;
            if (dataSize < MIN_DATA) {
                return Result.error("partitions need " + parts + tail + " = " + Size.format(used + endReserve)
                        + ", which leaves " + Size.format(Math.max(0, free)) + " of storage.size "
                        + Size.format(storage) + " for data; data needs at least " + Size.format(MIN_DATA),
                        "make storage.size larger or partitions.rootfs.size smaller");
            }
        } else {
            dataSize = data;
            long total = used + data + endReserve;
            if (total > storage) {
                return Result.error("partitions need " + parts + " + " + Size.format(data) + " data" + tail + " = "
                        + Size.format(total) + ", more than storage.size " + Size.format(storage),
                        "make storage.size at least " + Size.format(total) + ", or shrink a partition");
            }
        }
        List<Part> list = new ArrayList<>();
        long cursor = first;
        String[] names = {"boot", "rootA", "rootB", "data"};
        long[] sizes = {boot, rootfs, rootfs, dataSize};
        for (int i = 0; i < names.length; i++) {
            list.add(new Part(i + 1, names[i], cursor, sizes[i]));
            cursor += sizes[i];
        }
        return new Result(Optional.of(new PartitionLayout(table, storage, List.copyOf(list))), null, null);
    }

    public Part part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    public record Result(Optional<PartitionLayout> layout, String error, String hint) {
        static Result error(String message, String hint) {
            return new Result(Optional.empty(), message, hint);
        }
    }
}
