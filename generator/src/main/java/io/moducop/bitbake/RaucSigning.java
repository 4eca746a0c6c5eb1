package io.moducop.bitbake;

import io.moducop.ExitCode;
import io.moducop.UserError;
import io.moducop.profile.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The RAUC signing key and certificate (and, when the profile names no keyring, the directory
 * holding ca.cert.pem) as found on the host. They are mounted read-only into the container and
 * named in local.conf; they never enter the generated layers or the work directory.
 */
public record RaucSigning(Path key, Path cert, Path keyringDir) {

    public static final String CONTAINER_DIR = "/moducop/secrets";
    public static final String KEY = CONTAINER_DIR + "/signing.key.pem";
    public static final String CERT = CONTAINER_DIR + "/signing.cert.pem";
    public static final String KEYRING_DIR = CONTAINER_DIR + "/keyring";
    /** Host environment variable naming the keyring directory when the profile names no keyring. */
    public static final String KEYRING_DIR_ENV = "MODUCOP_RAUC_KEYRING_DIR";

    /**
     * Resolves the profile's ota.signing locations. A dry run builds no bundle, so it needs none
     * of them; a real build with RAUC needs all, and says which is missing.
     */
    public static Optional<RaucSigning> resolve(Profile p, Map<String, String> env, boolean required) {
        if (!p.ota().rauc()) {
            return Optional.empty();
        }
        Path key = locate(p.source(), "ota.signing.key", p.ota().signingKey(), env, required, false);
        Path cert = locate(p.source(), "ota.signing.cert", p.ota().signingCert(), env, required, false);
        Path keyring = null;
        if (p.ota().keyringPem() == null) {
            keyring = locate(p.source(), "the keyring directory", "env:" + KEYRING_DIR_ENV, env, required, true);
            if (keyring != null && !Files.isRegularFile(keyring.resolve("ca.cert.pem"))) {
                throw UserError.of(p.source(), KEYRING_DIR_ENV + "=" + keyring + " holds no ca.cert.pem",
                        "point it at the directory of `moducop keys --dev`, or set ota.keyring in the profile", ExitCode.BAD_INPUT);
            }
        }
        if (key == null || cert == null) {
            return Optional.empty();
        }
        return Optional.of(new RaucSigning(key, cert, keyring));
    }

    private static Path locate(String profile, String what, String location, Map<String, String> env, boolean required,
            boolean isDir) {
        String path = location;
        if (location.startsWith("env:")) {
            path = env.get(location.substring(4));
            if (path == null || path.isBlank()) {
                if (!required) {
                    return null;
                }
                throw UserError.of(profile, what + ": " + location.substring(4) + " is not set",
                        "export it with the path of the file (moducop keys --dev DIR creates development keys)", ExitCode.BAD_INPUT);
            }
        }
        Path p = Path.of(path).toAbsolutePath().normalize();
        if (isDir ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
            if (!required) {
                return null;
            }
            throw UserError.of(profile, what + ": " + p + " does not exist", "moducop keys --dev DIR creates development keys", ExitCode.BAD_INPUT);
        }
        return p;
    }

    /**
     * Private copies for the build user (the originals may be 0600 and owned by someone else,
     * e.g. root in CI) in a fresh 0700 directory outside the work tree, which the caller made
     * (and told {@code owned}) and deletes.
     */
    public RaucSigning stage(Path dir, HandOver owned) throws java.io.IOException {
        Files.createDirectories(dir);
        Path k = Files.copy(key, dir.resolve("signing.key.pem"));
        Path c = Files.copy(cert, dir.resolve("signing.cert.pem"));
        Path ring = null;
        if (keyringDir != null) {
            ring = Files.createDirectories(dir.resolve("keyring"));
            Files.copy(keyringDir.resolve("ca.cert.pem"), ring.resolve("ca.cert.pem"));
        }
        owned.handOver(dir);
        return new RaucSigning(k, c, ring);
    }

    /** Host path to container path, all read-only. */
    public Map<Path, String> mounts() {
        Map<Path, String> m = new LinkedHashMap<>();
        m.put(key, KEY);
        m.put(cert, CERT);
        if (keyringDir != null) {
            m.put(keyringDir, KEYRING_DIR);
        }
        return m;
    }

    /** The local.conf lines that hand them to meta-rauc's bundle class and the rauc-conf bbappend. */
    public String localConf() {
        StringBuilder sb = new StringBuilder("\n# RAUC bundle signing (mounted read-only from the host; not part of any layer).\n");
        sb.append("RAUC_KEY_FILE = \"").append(KEY).append("\"\n");
        sb.append("RAUC_CERT_FILE = \"").append(CERT).append("\"\n");
        if (keyringDir != null) {
            sb.append("MODUCOP_RAUC_KEYRING_DIR = \"").append(KEYRING_DIR).append("\"\n");
        }
        return sb.toString();
    }
}
