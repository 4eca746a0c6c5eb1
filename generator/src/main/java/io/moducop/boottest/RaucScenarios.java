package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;
import static io.moducop.boottest.SystemScenarios.taskLine;

import io.moducop.boottest.SystemScenarios.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * --system's update scenario: rauc-install of a bundle built as meta-rauc's bundle.bbclass builds
 * it, and a bundle from another CA refused.
 */
final class RaucScenarios extends ScenarioGroup {

    RaucScenarios(SystemScenarios sys) {
        super(sys);
    }

    /**
     * A verity bundle as meta-rauc's bundle.bbclass makes it: manifest with [update] compatible
     * and version, [bundle] format=verity, [image.rootfs] filename=rootfs.ext4; signed by rauc.
     */
    Path bundle(Path out, Path rootfsExt4, Path keys) throws IOException {
        String conf = gen.installed("system.conf");
        String compatible = conf.lines().filter(l -> l.startsWith("compatible=")).map(l -> l.substring(11)).findFirst()
                .orElseThrow(() -> new IOException("no compatible= in the generated system.conf"));
        Path content = out.resolveSibling(out.getFileName() + ".content");
        DiskBuilder.delete(content, out);
        Files.createDirectories(content);
        Files.createLink(content.resolve("rootfs.ext4"), rootfsExt4);
        Files.writeString(content.resolve("manifest.raucm"), "[update]\ncompatible=" + compatible + "\nversion=boottest-B\n\n"
                + "[bundle]\nformat=verity\n\n[image.rootfs]\nfilename=rootfs.ext4\n");
        // uncompressed squashfs: quick to build on the host and to read under emulation (zero blocks stay sparse)
        run("rauc", "bundle", "--cert=" + keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_CERT),
                "--key=" + keys.resolve(io.moducop.ota.DevelopmentKeys.SIGNING_KEY), "--mksquashfs-args=-noI -noD -noF -noX",
                content.toString(), out.toString());
        DiskBuilder.delete(content);
        return out;
    }

    /** The update the guest installs, update.raucb in its share: slot B's image, removed once it is in the bundle. */
    void updateBundle(Device d) throws IOException {
        Path image = disks.systemImage(new DiskBuilder.SystemSlot("rootB", sys.spec("B")), d.dir.resolve("rootB.ext4"));
        try {
            bundle(d.share.resolve("update.raucb"), image, work.resolve("keys"));
        } finally {
            Files.deleteIfExists(image);
        }
    }

    ScenarioResult raucInstall(Device d) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        Scenario s = new Scenario("rauc-install", "rauc install of a bundle built as bundle.bbclass builds it: B boots with /etc"
                + " seeded from A and is marked good; a bundle from another CA is refused and changes nothing");
        d.build();
        long t0 = System.nanoTime();
        Path otherKeys = sys.otherCaKeys();
        updateBundle(d);
        // refused on its signature before its image is read: a small one will do
        Path small = d.dir.resolve("small-rootfs.ext4");
        run("mkfs.ext4", "-q", "-F", small.toString(), "8M");
        bundle(d.share.resolve("other-ca.raucb"), small, otherKeys);
        s.evidence.add(String.format(java.util.Locale.ROOT, "bundles built on the host in %.0f s (%d MiB)",
                (System.nanoTime() - t0) / 1e9, Files.size(d.share.resolve("update.raucb")) >> 20));
        d.taskResource("rauc-install.sh");
        BootConsole a = d.boot(s);
        sys.expectSystemUp(s, a, "A");
        s.expect(task(a, "other-CA bundle: rauc install exit 1"), "a bundle signed by another CA is refused", taskLine(a, "other-CA bundle"));
        s.expect(task(a, "env after refused bundle: BOOT_ORDER=A B"), "and the environment is unchanged",
                taskLine(a, "env after refused bundle"));
        s.expect(task(a, "update bundle: rauc install exit 0"), "rauc install of the update succeeded", taskLine(a, "update bundle"));
        s.expect(task(a, "env after install: BOOT_ORDER=B A BOOT_B_LEFT=" + attempts), "rauc made B primary with "
                + attempts + " tries", taskLine(a, "env after install"));
        d.taskResource("rauc-after-install.sh");
        BootConsole b = d.boot(s);
        sys.expectSystemUp(s, b, "B");
        s.expectLine(b, "carrying over slot A's overlays", "moducop-init seeded B's overlays from A");
        s.expect(task(b, "variant now: B"), "B runs the updated root file system", taskLine(b, "variant now"));
        s.expect(task(b, "configuration from A: configured under slot A"), "/etc configured under A is there under B",
                taskLine(b, "configuration from A"));
        s.expect(task(b, "rauc booted slot: B") || task(b, "rauc booted slot: 'B'"), "rauc reports slot B booted",
                taskLine(b, "rauc booted slot"));
        Map<String, String> env = d.env();
        s.expectEnv(env, "BOOT_ORDER", "B A");
        s.expectEnv(env, "BOOT_B_LEFT", Integer.toString(attempts));
        return finish(s, d);
    }
}
