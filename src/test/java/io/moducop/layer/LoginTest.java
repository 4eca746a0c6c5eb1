package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.UserError;
import io.moducop.profile.ProfileLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** login: SSH keys from the profile for root, no password login unless the profile asks for a development image. */
class LoginTest {

    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB4qfzcOnBvCCv79PULLB/qXMbxMMPzTWtY18KPYoflQ test@moducop";

    private static SortedMap<String, byte[]> generate(String login) {
        return new LayerGenerator().generate(List.of(ProfileLoader.parse("p.yaml",
                "board: { name: moducop-x, base: qemuarm64 }\nlogin: " + login + "\n")));
    }

    private static String text(SortedMap<String, byte[]> files, String name) {
        return new String(files.get(name), StandardCharsets.UTF_8);
    }

    @Test
    void theProfilesKeysAreRootsAuthorizedKeysAndPasswordsAreOff() {
        SortedMap<String, byte[]> f = generate("{ ssh-keys: [\"" + KEY + "\"] }");
        assertEquals(KEY + "\n", text(f, "meta-moducop-distro/recipes-core/moducop-login/files/authorized_keys"));
        String sshd = text(f, "meta-moducop-distro/recipes-core/moducop-login/files/50-moducop.conf");
        assertTrue(sshd.contains("PasswordAuthentication no\n") && sshd.contains("PermitRootLogin prohibit-password\n"), sshd);
        String recipe = text(f, "meta-moducop-distro/recipes-core/moducop-login/moducop-login.bb");
        assertTrue(recipe.contains("install -D -m 0600 ${S}/authorized_keys ${D}${ROOT_HOME}/.ssh/authorized_keys"), recipe);
        String image = text(f, "meta-moducop-distro/recipes-core/images/moducop-image.bb");
        assertTrue(image.contains("ssh-server-openssh") && image.contains("moducop-login"), image);
        assertFalse(image.contains("empty-root-password"), image);
    }

    @Test
    void aDevelopmentImageSaysSoLoudly() {
        SortedMap<String, byte[]> f = generate("{ development: true }");
        String image = text(f, "meta-moducop-distro/recipes-core/images/moducop-image.bb");
        assertTrue(image.contains("IMAGE_FEATURES += \"empty-root-password allow-empty-password allow-root-login\""), image);
        assertTrue(image.contains("bb.warn(\"moducop-image is a DEVELOPMENT image"), image);
        assertTrue(text(f, "meta-moducop-distro/recipes-core/moducop-login/files/50-moducop.conf").contains("DEVELOPMENT IMAGE"));
    }

    @Test
    void onlyRealOpenSshPublicKeysAreAccepted() {
        String body = KEY.split(" ")[1];
        for (String bad : List.of("ssh-rsa " + body + " wrong-type", "ssh-ed25519 " + body.substring(0, 40) + " cut",
                "ssh-ed25519 " + body + "\\nreboot", "ssh-ed25519 " + body + " a\\\"b", "-----BEGIN OPENSSH PRIVATE KEY-----")) {
            UserError e = assertThrows(UserError.class, () -> generate("{ ssh-keys: [\"" + bad + "\"] }"), bad);
            assertTrue(e.diagnostics().get(0).format().startsWith("p.yaml:2:"), e.diagnostics().get(0).format());
        }
    }
}
