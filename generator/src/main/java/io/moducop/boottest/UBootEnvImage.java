package io.moducop.boottest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * U-Boot's saved environment as it sits in the QEMU pflash file: a little-endian CRC32 of the
 * rest, then {@code name=value\0...\0\0}, padded with 0xff to the environment size. This is
 * what fw_printenv/fw_setenv read and write; the boot test uses it to inspect counters after
 * a boot and to change them as the running system would (mark-good, rauc install).
 */
public final class UBootEnvImage {

    public static final int ENV_SIZE = 0x40000;
    public static final long PFLASH_SIZE = 64L * 1024 * 1024;

    private UBootEnvImage() {
    }

    /** A blank (erased) 64 MiB flash bank: U-Boot finds a bad CRC and uses its default env. */
    public static void createBlank(Path pflash) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(pflash.toFile(), "rw")) {
            byte[] ff = new byte[1 << 20];
            java.util.Arrays.fill(ff, (byte) 0xff);
            f.setLength(0);
            for (long i = 0; i < PFLASH_SIZE; i += ff.length) {
                f.write(ff);
            }
        }
    }

    /** The saved variables, or empty when the flash holds no valid environment. */
    public static Optional<Map<String, String>> read(Path pflash) throws IOException {
        return read(pflash, ENV_SIZE);
    }

    /** As {@link #read(Path)} for an environment of {@code size} bytes (uboot.env on FAT: the board's CONFIG_ENV_SIZE). */
    public static Optional<Map<String, String>> read(Path pflash, int size) throws IOException {
        final int ENV_SIZE = size;
        byte[] env = new byte[ENV_SIZE];
        try (RandomAccessFile f = new RandomAccessFile(pflash.toFile(), "r")) {
            f.readFully(env);
        }
        int stored = ByteBuffer.wrap(env, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        CRC32 crc = new CRC32();
        crc.update(env, 4, ENV_SIZE - 4);
        if ((int) crc.getValue() != stored) {
            return Optional.empty();
        }
        Map<String, String> vars = new LinkedHashMap<>();
        int start = 4;
        for (int i = 4; i < ENV_SIZE; i++) {
            if (env[i] == 0) {
                if (i == start) {
                    break;
                }
                String kv = new String(env, start, i - start, StandardCharsets.ISO_8859_1);
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    vars.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                start = i + 1;
            }
        }
        return Optional.of(vars);
    }

    /** Writes {@code vars} as a valid environment (it replaces the whole environment). */
    public static void write(Path pflash, Map<String, String> vars) throws IOException {
        write(pflash, vars, ENV_SIZE);
    }

    /** As {@link #write(Path, Map)} for an environment of {@code size} bytes. */
    public static void write(Path pflash, Map<String, String> vars, int size) throws IOException {
        final int ENV_SIZE = size;
        ByteBuffer data = ByteBuffer.allocate(ENV_SIZE - 4);
        for (Map.Entry<String, String> e : vars.entrySet()) {
            data.put((e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.ISO_8859_1)).put((byte) 0);
        }
        data.put((byte) 0);
        while (data.hasRemaining()) {
            data.put((byte) 0xff);
        }
        CRC32 crc = new CRC32();
        crc.update(data.array());
        try (RandomAccessFile f = new RandomAccessFile(pflash.toFile(), "rw")) {
            byte[] head = new byte[4];
            ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue());
            f.seek(0);
            f.write(head);
            f.write(data.array());
        }
    }

    /** Changes some variables of the saved environment, keeping all others. */
    public static void update(Path pflash, Map<String, String> changes) throws IOException {
        Map<String, String> vars = read(pflash).orElseThrow(() ->
                new IOException("no valid U-Boot environment in " + pflash.getFileName() + " (the boot script never ran saveenv)"));
        vars.putAll(changes);
        write(pflash, vars);
    }
}
