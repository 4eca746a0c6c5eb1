package io.moducop.profile;

import io.moducop.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** What a valid profile may still not mean: said on stderr by validate and generate, never a reason to stop. */
public final class ProfileWarnings {

    private ProfileWarnings() {
    }

    public static List<Diagnostic> of(Profile p) {
        List<Diagnostic> out = new ArrayList<>();
        if (p.login().sshKeys().isEmpty() && !p.login().development()) {
            out.add(Diagnostic.of(p.source(), "warning: nobody can log in: login.ssh-keys is empty and login.development is false",
                    "add a public key to login.ssh-keys (one line of ~/.ssh/id_ed25519.pub), or set login.development: true"
                            + " for an image that never leaves the lab"));
        }
        return out;
    }
}
