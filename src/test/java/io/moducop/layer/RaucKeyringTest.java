package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.model.Install;
import io.moducop.model.LayerModel;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RAUC finds the keyring system.conf names where the release's rauc-conf installs it: RAUC keeps an
 * absolute path as written and resolves a relative one against system.conf's directory
 * (rauc/rauc src/utils.c resolve_path, used for [keyring] path in src/config_file.c), and rauc-conf
 * installs both files into one directory that the release chooses (meta-rauc wrynose
 * recipes-core/rauc/rauc-conf.bb: ${nonarch_libdir}/rauc; scarthgap: ${sysconfdir}/rauc).
 */
class RaucKeyringTest {

    @ParameterizedTest
    @ValueSource(strings = {"profiles/qemuarm64.yaml", "profiles/scarthgap/qemuarm64.yaml"})
    void theKeyringPathResolvesToWhereRaucConfInstallsTheKeyring(String profilePath) {
        Profile p = ProfileLoader.load(Path.of(profilePath));
        LayerModel model = LayerModel.of(List.of(p));
        SortedMap<String, byte[]> files = new LayerGenerator().generate(model);
        Install conf = LayerGenerator.installs(model, model.machines().get(0)).stream()
                .filter(i -> !i.directory() && i.name().equals("system.conf")).findFirst().orElseThrow();
        String confDir = p.release().facts().raucConfDir();
        assertEquals(confDir + "/system.conf", conf.path(), "system.conf is where rauc-conf installs it on " + p.release().id());
        String text = new String(files.get(conf.file()), StandardCharsets.UTF_8);
        String keyring = text.lines().dropWhile(l -> !l.equals("[keyring]")).filter(l -> l.startsWith("path=")).findFirst()
                .orElseThrow().substring("path=".length());
        String resolved = keyring.startsWith("/") ? keyring : Path.of(conf.path()).resolveSibling(keyring).normalize().toString();
        assertEquals(confDir + "/ca.cert.pem", resolved, p.release().id() + ": [keyring] path=" + keyring);
        assertTrue(List.of("/usr/lib/rauc", "/etc/rauc").contains(confDir), confDir);
    }
}
