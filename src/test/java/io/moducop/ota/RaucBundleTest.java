package io.moducop.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.HostTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real RAUC (Debian's rauc): a verity bundle made the way meta-rauc's bundle.bbclass makes it,
 * signed with `keys --dev` material, checked against the keyring and system.conf the generator
 * put into the layer.
 */
class RaucBundleTest {

    @TempDir
    Path tmp;

    Path layer;

    @BeforeEach
    void generate() throws IOException {
        HostTools.require("rauc", "rauc");
        HostTools.require("mksquashfs", "squashfs-tools");
        HostTools.require("openssl", "openssl");
        assertEquals(0, Cli.run("keys", "--dev", tmp.resolve("keys").toString()).exitCode());
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board: { name: moducop-qemuarm64, base: qemuarm64 }\n"
                + "storage: { size: 4GiB }\nota: { keyring: keys/ca.cert.pem, compatible: ModuCop qemuarm64 v1 }\n");
        assertEquals(0, Cli.run("generate", "-o", tmp.resolve("layers").toString(), profile.toString()).exitCode());
        layer = tmp.resolve("layers/meta-moducop/dynamic-layers/rauc/recipes-core/rauc/files/moducop-qemuarm64");
    }

    /** As bundle.bbclass does: manifest with [update], [bundle] format=verity, [image.rootfs]; rauc bundle. */
    private Path bundle(String compatible) throws IOException {
        Path content = tmp.resolve("bundle-content");
        Path root = tmp.resolve("rootfs");
        Files.createDirectories(content);
        Files.createDirectories(root);
        byte[] blob = new byte[65536];
        new java.util.Random(42).nextBytes(blob);
        Files.write(root.resolve("blob"), blob);
        assertEquals(0, HostTools.run(List.of("mkfs.ext4", "-q", "-F", "-d", root.toString(),
                content.resolve("rootfs.ext4").toString(), "8M")).exitCode());
        Files.writeString(content.resolve("manifest.raucm"), "[update]\ncompatible=" + compatible + "\nversion=1.0\n\n"
                + "[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=rootfs.ext4\n");
        Path out = tmp.resolve("update.raucb");
        HostTools.Result r = HostTools.run(List.of("rauc", "bundle",
                "--cert=" + tmp.resolve("keys/development-1.cert.pem"), "--key=" + tmp.resolve("keys/development-1.key.pem"),
                content.toString(), out.toString()));
        assertEquals(0, r.exitCode(), r.output());
        return out;
    }

    @Test
    void bundleSignedWithDevKeysIsAcceptedWithTheGeneratedKeyringAndSystemConf() throws IOException {
        Path b = bundle("ModuCop qemuarm64 v1");
        HostTools.Result info = HostTools.run(List.of("rauc", "--conf=" + layer.resolve("system.conf"),
                "--keyring=" + layer.resolve("ca.cert.pem"), "info", b.toString()));
        assertEquals(0, info.exitCode(), info.output());
        assertTrue(info.output().contains("Compatible: \t'ModuCop qemuarm64 v1'"), info.output());
        assertTrue(info.output().contains("Bundle Format: \tverity"), info.output());
        assertTrue(Files.readString(layer.resolve("system.conf")).contains("compatible=ModuCop qemuarm64 v1\n"));
    }

    @Test
    void bundleIsRefusedWithAnotherKeyring() throws IOException {
        Path b = bundle("ModuCop qemuarm64 v1");
        assertEquals(0, Cli.run("keys", "--dev", tmp.resolve("other").toString()).exitCode());
        HostTools.Result info = HostTools.run(List.of("rauc", "--keyring=" + tmp.resolve("other/ca.cert.pem"), "info", b.toString()));
        assertNotEquals(0, info.exitCode(), info.output());
        assertTrue(info.output().toLowerCase().contains("signature"), info.output());
    }

    @Test
    void raucRejectsABrokenSystemConfSoTheAcceptanceAboveMeansSomething() throws IOException {
        Path b = bundle("ModuCop qemuarm64 v1");
        Path broken = tmp.resolve("broken.conf");
        Files.writeString(broken, Files.readString(layer.resolve("system.conf")).replace("bootloader=uboot", "bootloader=lilo"));
        HostTools.Result info = HostTools.run(List.of("rauc", "--conf=" + broken,
                "--keyring=" + layer.resolve("ca.cert.pem"), "info", b.toString()));
        assertNotEquals(0, info.exitCode(), info.output());
        assertTrue(info.output().contains("Unsupported bootloader"), info.output());
    }

    @Test
    void theKeyringInTheLayerIsTheCaCertificateAndNoPrivateKeyEntersTheLayers() throws IOException {
        assertEquals(Files.readString(tmp.resolve("keys/ca.cert.pem")), Files.readString(layer.resolve("ca.cert.pem")));
        try (var s = Files.walk(tmp.resolve("layers"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertTrue(!Files.readString(p).contains("PRIVATE KEY"), p.toString());
            }
        }
    }
}
