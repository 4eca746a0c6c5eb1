package io.moducop.ota;

import io.moducop.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A development CA and one signing key and certificate for RAUC bundles, made with the openssl
 * command line (EC P-256; extensions as in meta-rauc's openssl-ca.sh). For development only:
 * the private keys sit unencrypted in the directory the user names.
 */
public final class DevelopmentKeys {

    public static final String CA_KEY = "ca.key.pem";
    public static final String CA_CERT = "ca.cert.pem";
    public static final String SIGNING_KEY = "development-1.key.pem";
    public static final String SIGNING_CERT = "development-1.cert.pem";

    private DevelopmentKeys() {
    }

    /** Creates the four files in {@code dir}; refuses to overwrite any. */
    public static List<Path> create(Path dir, String organisation) throws IOException, InterruptedException {
        List<Path> out = List.of(dir.resolve(CA_KEY), dir.resolve(CA_CERT), dir.resolve(SIGNING_KEY), dir.resolve(SIGNING_CERT));
        for (Path p : out) {
            if (Files.exists(p)) {
                throw UserError.of(p.toString(), "already exists; keys are never overwritten",
                        "choose an empty directory, or remove the old keys yourself");
            }
        }
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, ".keys-");
        try {
            Path caExt = work.resolve("ca.ext");
            Files.writeString(caExt, "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                    + "subjectKeyIdentifier=hash\n");
            Path leafExt = work.resolve("leaf.ext");
            Files.writeString(leafExt, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    + "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
            Path csr = work.resolve("development-1.csr");
            String o = "/O=" + organisation;
            openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", work.resolve(CA_KEY).toString(), "-out", work.resolve(CA_CERT).toString(),
                    "-subj", o + "/CN=" + organisation + " CA", "-days", "3650",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", work.resolve(SIGNING_KEY).toString(), "-out", csr.toString(),
                    "-subj", o + "/CN=" + organisation + " signing key 1");
            openssl("x509", "-req", "-in", csr.toString(), "-CA", work.resolve(CA_CERT).toString(),
                    "-CAkey", work.resolve(CA_KEY).toString(), "-set_serial", "1", "-days", "3650",
                    "-extfile", leafExt.toString(), "-out", work.resolve(SIGNING_CERT).toString());
            for (Path p : out) {
                Path from = work.resolve(p.getFileName());
                if (p.getFileName().toString().endsWith(".key.pem")) {
                    Files.setPosixFilePermissions(from, PosixFilePermissions.fromString("rw-------"));
                }
                Files.move(from, p);
            }
            return out;
        } finally {
            try (var s = Files.list(work)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(work);
        }
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw UserError.of("keys", "openssl is not installed", "apt-get install openssl", 3);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw UserError.of("keys", "openssl " + args[0] + " failed:\n" + out.strip(), null, 1);
        }
    }
}
