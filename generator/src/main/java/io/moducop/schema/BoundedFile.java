package io.moducop.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a small input file without trusting it: a directory, device, FIFO or socket is refused
 * before it is opened (a FIFO would hang, /dev/zero would never end), and at most
 * {@code maxBytes + 1} bytes are ever read.
 */
public final class BoundedFile {

    /** Why a file was not read; the message completes "FILE ...", e.g. "is a directory". */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message, null);
        }
    }

    private BoundedFile() {
    }

    public static byte[] read(Path file, int maxBytes) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new Refused("is a directory, not a regular file");
        }
        if (!Files.isRegularFile(file)) {
            throw new Refused("is not a regular file (a device, FIFO or socket)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new Refused("is larger than " + maxBytes / 1024 + " KiB");
            }
            return bytes;
        }
    }
}
