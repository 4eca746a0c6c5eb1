package io.moducop;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Reading or writing a file failed for a reason outside the user's input (disk full, permissions,
 * a vanished directory). Printed as one line naming the path; exit {@link ExitCode#FAILED}.
 */
public final class IoFailure extends RuntimeException {

    private final String path;

    private IoFailure(String path, String message, IOException cause) {
        super(message, cause, false, false);
        this.path = path;
    }

    /** {@code what} failed on the path the exception names, or on {@code where}. */
    public static IoFailure of(IOException e, Object where, String what) {
        return new IoFailure(pathOf(e, where), what + ": " + reason(e), e);
    }

    public String path() {
        return path;
    }

    /** {@code path: message}, without the exception class. */
    public String format() {
        return Diagnostic.of(path, getMessage(), null).format();
    }

    /** What went wrong, in words, without the exception's class name or the path it names. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason().toLowerCase(java.util.Locale.ROOT);
            }
            if (f instanceof NoSuchFileException) {
                return "no such file or directory";
            }
            if (f instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (f instanceof FileAlreadyExistsException) {
                return "already exists";
            }
            if (f instanceof NotDirectoryException) {
                return "not a directory";
            }
            if (f instanceof DirectoryNotEmptyException) {
                return "directory not empty";
            }
            return "file system error";
        }
        return e.getMessage() == null ? "I/O error" : e.getMessage();
    }

    /** The path an I/O error is about, or {@code otherwise}. */
    public static String pathOf(IOException e, Object otherwise) {
        return e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : String.valueOf(otherwise);
    }
}
