package io.moducop.ota;

import io.moducop.ExitCode;
import io.moducop.IoFailure;
import io.moducop.UserError;
import io.moducop.util.Processes;
import io.moducop.schema.BoundedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A development CA and one signing key and certificate for RAUC bundles, made with the openssl
 * command line (EC P-256; extensions as in meta-rauc's openssl-ca.sh). For development only:
 * the private keys sit unencrypted in the directory the user names.
 *
 * <p>All four files or none: they are made in a private directory inside the target, then moved
 * into place; if anything fails, what this run created is removed again.
 */
public final class DevelopmentKeys {

    public static final String CA_KEY = "ca.key.pem";
    public static final String CA_CERT = "ca.cert.pem";
    public static final String SIGNING_KEY = "development-1.key.pem";
    public static final String SIGNING_CERT = "development-1.cert.pem";

    private static final String NEVER_OVERWRITTEN_HINT = "choose an empty directory, or remove the old keys yourself";

    private DevelopmentKeys() {
    }

    /** Creates the four files in {@code dir}; refuses to overwrite any. */
    public static List<Path> create(Path dir, String organisation) throws InterruptedException {
        List<Path> out = List.of(dir.resolve(CA_KEY), dir.resolve(CA_CERT), dir.resolve(SIGNING_KEY), dir.resolve(SIGNING_CERT));
        checkTarget(dir, out);
        List<Path> created = new ArrayList<>();
        Path work = null;
        boolean done = false;
        try {
            createDirectories(dir.toAbsolutePath(), created);
            work = Files.createTempDirectory(dir, ".keys-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            generate(dir, work, organisation);
            for (Path p : out) {
                Path from = work.resolve(p.getFileName());
                if (p.getFileName().toString().endsWith(".key.pem")) {
                    Files.setPosixFilePermissions(from, PosixFilePermissions.fromString("rw-------"));
                }
                Files.move(from, p); // never replaces: a file that appeared meanwhile stops the run
                created.add(p);
            }
            done = true;
            return out;
        } catch (FileAlreadyExistsException e) {
            throw UserError.of(IoFailure.pathOf(e, dir), "appeared while the keys were made; keys are never overwritten",
                    NEVER_OVERWRITTEN_HINT);
        } catch (IOException e) {
            throw IoFailure.of(e, dir, "cannot write the keys");
        } finally {
            removeQuietly(work, done ? List.of() : created);
        }
    }

    /** A DIR that cannot work is a user error before anything is written. */
    private static void checkTarget(Path dir, List<Path> out) {
        if (Files.isSymbolicLink(dir) && !Files.exists(dir)) {
            throw UserError.of(dir.toString(), "is a symbolic link to a missing target", "remove the link, or create its target directory");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw UserError.of(dir.toString(), "is not a directory", "name a directory for the keys; it is created if missing");
        }
        for (Path p : out) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw UserError.of(p.toString(), "already exists; keys are never overwritten", NEVER_OVERWRITTEN_HINT);
            }
        }
        Path existing = dir.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path shown = existing.equals(dir.toAbsolutePath()) ? dir : existing;
        if (!Files.isDirectory(existing)) {
            throw UserError.of(shown.toString(), "is not a directory", "name a directory for the keys; it is created if missing");
        }
        if (!Files.isWritable(existing)) {
            throw UserError.of(shown.toString(), "is not writable", "name a directory you may write to");
        }
    }

    /** Like {@link Files#createDirectories}, recording each directory it made. */
    private static void createDirectories(Path dir, List<Path> created) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent(), created);
        Files.createDirectory(dir);
        created.add(dir);
    }

    private static void generate(Path dir, Path work, String organisation) throws IOException, InterruptedException {
        Path leafExt = work.resolve("leaf.ext");
        Files.writeString(leafExt, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
        Path csr = work.resolve("development-1.csr");
        String o = "/O=" + organisation;
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", work.resolve(CA_KEY).toString(), "-out", work.resolve(CA_CERT).toString(),
                "-subj", o + "/CN=" + organisation + " CA", "-days", "3650",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", work.resolve(SIGNING_KEY).toString(), "-out", csr.toString(),
                "-subj", o + "/CN=" + organisation + " signing key 1");
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", work.resolve(CA_CERT).toString(),
                "-CAkey", work.resolve(CA_KEY).toString(), "-set_serial", "1", "-days", "3650",
                "-extfile", leafExt.toString(), "-out", work.resolve(SIGNING_CERT).toString());
    }

    /**
     * Removes the work directory (commons-io removes a link in it, never what the link names), then
     * what this run created (files, then directories, newest first).
     */
    private static void removeQuietly(Path work, List<Path> created) {
        if (work != null) {
            try {
                org.apache.commons.io.file.PathUtils.deleteDirectory(work);
            } catch (IOException e) {
                // best effort: the error that ended the run is the one to report
            }
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // best effort, as above
            }
        }
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Processes.Result r;
        try {
            r = Processes.run(cmd);
        } catch (IOException e) {
            throw UserError.of("keys", "openssl is not installed", "apt-get install openssl", ExitCode.MISSING_TOOL);
        }
        if (!r.ok()) {
            String first = r.output().lines().filter(l -> !l.isBlank()).findFirst().orElse("no output").strip();
            throw UserError.of(dir.toString(), "openssl " + args[0] + " failed: " + first, null, ExitCode.FAILED);
        }
    }
}
