package io.moducop.cli;

import io.moducop.ExitCode;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.ota.DevelopmentKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Create development keys for signed RAUC updates.",
                "Create a DEVELOPMENT certificate authority and a bundle signing key for RAUC updates.",
                "Profiles name the CA certificate as ota.keyring; the build reads the signing key and",
                "certificate from ota.signing. Production keys belong in an HSM or a CI secret store."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:keys created (all four files)", "1:an I/O error or openssl failed (no file written)",
                "2:--dev missing, DIR is not a usable directory, or a key file exists already", "3:openssl is not installed"})
final class KeysCommand implements Callable<Integer> {

    @Option(names = "--dev", required = true, description = "Confirms that these keys are for development only.")
    boolean dev;

    @Option(names = "--organisation", defaultValue = "ModuCop Development", paramLabel = "NAME",
            description = "O= of the certificates (default: ${DEFAULT-VALUE}).")
    String organisation;

    @Parameters(paramLabel = "DIR", description = "Directory for ca.key.pem, ca.cert.pem, development-1.key.pem, development-1.cert.pem.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (!organisation.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")) {
            throw UserError.of("--organisation", "\"" + organisation + "\" is not a plain name", "letters, digits, space . _ -");
        }
        List<Path> files = DevelopmentKeys.create(dir, organisation);
        PrintWriter out = spec.commandLine().getOut();
        out.println("************************************************************************");
        out.println("DEVELOPMENT KEYS: the private keys are unencrypted files. Never ship them,");
        out.println("never sign release bundles with them, never commit them.");
        out.println("************************************************************************");
        files.forEach(f -> out.println("  " + shown(f)));
        out.println("In the profile:");
        out.println("  ota:");
        out.println("    keyring: " + shown(dir.resolve(DevelopmentKeys.CA_CERT)) + "   # relative to the profile");
        out.println("    signing: { key: " + shown(dir.resolve(DevelopmentKeys.SIGNING_KEY)) + ", cert: "
                + shown(dir.resolve(DevelopmentKeys.SIGNING_CERT)) + " }");
        return ExitCode.OK;
    }

    private static String shown(Path p) {
        return Diagnostic.escape(p.toString());
    }
}
