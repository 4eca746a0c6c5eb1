package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.HostTools;
import io.moducop.model.Install;
import io.moducop.model.LayerModel;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of the review of the generated layers against the pinned upstream sources ("The
 * test guest is the image"), each checked on the layers of the example profiles; every test failed
 * on the layers generated before its fix.
 */
class ReviewFindingsTest {

    private static final String INIT = "meta-moducop-distro/recipes-core/moducop-init/files/moducop-init";
    private static final String CONTAINER_CONFIG = "meta-moducop-distro/recipes-containers/moducop-container-config/";
    private static final String IMAGE = "meta-moducop-distro/recipes-core/images/moducop-image.bb";
    private static final String BOOT_RECIPE = "meta-moducop/recipes-bsp/moducop-boot/moducop-boot.bb";

    private static LayerModel model;
    private static SortedMap<String, byte[]> files;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() {
        model = LayerModel.of(List.of(
                ProfileLoader.load(Path.of("profiles/qemuarm64.yaml")),
                ProfileLoader.load(Path.of("profiles/beaglebone-yocto.yaml")),
                ProfileLoader.load(Path.of("profiles/raspberrypi4-64.yaml"))));
        files = new LayerGenerator().generate(model);
    }

    private static String text(String name) {
        byte[] b = files.get(name);
        assertTrue(b != null, name + " is not generated");
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String machineConf(String machine) {
        return text("meta-moducop/conf/machine/" + machine + ".conf");
    }

    /** Runs a Python 3 program (the bitbake snippets are Python) and returns what it printed. */
    private String python(String program) throws IOException {
        HostTools.require("python3", "python3");
        Path script = Files.writeString(tmp.resolve("check-" + System.nanoTime() + ".py"), program);
        HostTools.Result r = HostTools.run(List.of("python3", script.toString()));
        assertEquals(0, r.exitCode(), program + "\n" + r.output());
        return r.output();
    }

    /** A stand-in for bitbake's datastore and bb.fatal, enough for the generated snippets. */
    private static final String BITBAKE_STUBS = """
            import os
            class Fatal(Exception):
                pass
            class bb:
                @staticmethod
                def fatal(msg):
                    raise Fatal(msg)
            class D:
                def __init__(self, values):
                    self.values = values
                def getVar(self, name):
                    return self.values.get(name)
            """;

    /** 1: /var/tmp is a tmpfs on the device; podman must not stage image blobs in RAM. */
    @Test
    void podmanStagesImagesOnTheDataPartitionInADirectoryThatExists() {
        String conf = text(CONTAINER_CONFIG + "files/50-moducop.conf");
        Matcher m = Pattern.compile("(?m)^image_copy_tmp_dir = \"(/data/[a-z/]+)\"$").matcher(conf);
        assertTrue(m.find(), conf);
        assertTrue(m.start() > conf.indexOf("[engine]"), "image_copy_tmp_dir belongs to [engine]: " + conf);
        String dir = m.group(1);
        List<Install> tmpfiles = LayerGenerator.installs(model, model.machines().get(0)).stream()
                .filter(i -> !i.directory() && i.path().startsWith("/usr/lib/tmpfiles.d/")).toList();
        assertEquals(1, tmpfiles.size(), tmpfiles.toString());
        Install t = tmpfiles.get(0);
        assertEquals("moducop-container-config", t.recipe());
        assertTrue(text(t.file()).lines().anyMatch(l -> l.equals("D " + dir + " 0700 root root -")), text(t.file()));
        String recipe = text(CONTAINER_CONFIG + "moducop-container-config.bb");
        assertTrue(recipe.contains("    file://" + t.name() + " \\\n"), recipe);
        assertTrue(recipe.contains("install -D -m 0644 ${S}/" + t.name() + " ${D}" + t.target() + "\n"), recipe);
        assertTrue(recipe.contains("FILES:${PN} += \"${nonarch_libdir}/tmpfiles.d\""), recipe);
    }

    /** 2: the lower directory is the root file system an update replaces (oe-core's overlayfs-etc preinit). */
    @Test
    void everyOverlayIsMountedWithoutTheFeaturesThatForbidChangingTheLowerLayer() {
        List<String> mounts = text(INIT).lines().filter(l -> l.contains("mount -t overlay")).toList();
        assertFalse(mounts.isEmpty());
        for (String l : mounts) {
            assertTrue(l.contains(",index=off,xino=off,redirect_dir=off,metacopy=off\""), l);
        }
    }

    /**
     * 3: systemd's ConditionNeedsUpdate= units run when /etc/.updated is missing; a stamp carried
     * over from the previous root file system in the /etc upper would skip them after an update.
     */
    @Test
    void aSlotThatBootsANewRootFileSystemLosesTheUpdateStampOfTheOldOne() throws IOException {
        String init = text(INIT);
        int from = init.indexOf("\nlog() {");
        int to = init.indexOf("\nmount_kernel_filesystems\n");
        assertTrue(from > 0 && to > from, init);
        String functions = init.substring(from, to);
        assertTrue(functions.contains("/etc/moducop/rootfs-id"), functions);
        Path id = tmp.resolve("rootfs-id");
        Path state = tmp.resolve("data/overlay");
        Path etcA = Files.createDirectories(state.resolve("A/etc/upper"));
        Files.writeString(state.resolve("A/rootfs-id"), "old\n");
        Files.writeString(etcA.resolve(".updated"), "TIMESTAMP_NSEC=1520598896000000000\n");
        Files.writeString(etcA.resolve("hostname"), "box\n");
        Files.writeString(state.resolve("last-slot"), "A\n");
        Files.writeString(id, "new\n");
        Path script = Files.writeString(tmp.resolve("prepare.sh"), "PERSISTENT=\"/etc /root\"\nSTATE=" + state + "\n"
                + functions.replace("/etc/moducop/rootfs-id", id.toString())
                + "\nlog() { echo \"moducop-init: $*\"; }\nprepare_slot_state \"$1\"\n");

        HostTools.Result update = HostTools.run(List.of("sh", script.toString(), "B"));
        assertEquals(0, update.exitCode(), update.output());
        assertEquals("box\n", Files.readString(state.resolve("B/etc/upper/hostname")), "the configuration carries over");
        assertFalse(Files.exists(state.resolve("B/etc/upper/.updated")), update.output());
        assertTrue(Files.exists(etcA.resolve(".updated")), "the old slot's own copy is left as it was");

        // the same root file system again: the stamp systemd wrote since stays
        Files.writeString(state.resolve("B/etc/upper/.updated"), "TIMESTAMP_NSEC=1520598896000000000\n");
        HostTools.Result again = HostTools.run(List.of("sh", script.toString(), "B"));
        assertEquals(0, again.exitCode(), again.output());
        assertTrue(Files.exists(state.resolve("B/etc/upper/.updated")), again.output());
    }

    /** 4: /var/lib is a tmpfs overlay; a board without RTC needs timesyncd's clock file to survive a reboot. */
    @Test
    void timesyncdsClockFileIsKeptOnTheDataPartitionBeforeSystemdStarts() {
        String init = text(INIT);
        assertTrue(init.contains("mkdir -p \"$DATA/timesync\" /var/lib/systemd/timesync"), init);
        assertTrue(init.contains("mount -o bind \"$DATA/timesync\" /var/lib/systemd/timesync"), init);
        int volatileOverlays = init.indexOf("for dir in $VOLATILE; do\n    overlay ");
        int call = init.indexOf("\npersist_clock\n");
        int exec = init.indexOf("exec \"$REAL_INIT\"");
        assertTrue(volatileOverlays > 0 && volatileOverlays < call && call < exec,
                "bound after /var/lib's overlay exists and before systemd reads the clock file:\n" + init);
    }

    /** 5: a slot whose device tree is missing must fail like a slot without a kernel, not boot without it. */
    @Test
    void aDeviceTreeThatDoesNotLoadFailsTheSlotLikeAMissingKernel() {
        String bbb = text("meta-moducop/recipes-bsp/moducop-boot/files/moducop-beaglebone/boot.cmd");
        assertTrue(bbb.contains("\nif load mmc 0:${moducop_part} ${kernel_addr_r} /boot/zImage"
                + " && load mmc 0:${moducop_part} ${fdt_addr_r} /boot/${fdtfile}; then\n"), bbb);
        assertEquals(1, bbb.lines().filter(l -> l.contains(" ${fdt_addr_r} /boot/")).count(), "no unchecked load of the device tree:\n" + bbb);
        assertTrue(bbb.indexOf("\nsaveenv\n") < bbb.indexOf("\nif load "), "the try is counted before anything is loaded");
        assertTrue(bbb.endsWith("did not boot, resetting\"\nreset\n"), bbb);
    }

    /** 6: meta-virtualization's podman recipe installs /etc/containers/nodocker itself, on both releases. */
    @Test
    void nodockerIsShippedByPodmanAlone() {
        String recipe = text(CONTAINER_CONFIG + "moducop-container-config.bb");
        assertFalse(recipe.lines().anyMatch(l -> l.contains("nodocker") && !l.startsWith("#")), recipe);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String t = new String(e.getValue(), StandardCharsets.UTF_8);
            assertFalse(t.contains("${sysconfdir}/containers/nodocker"), e.getKey());
        }
    }

    /** 7: a keyring directory without the CA would let SRC_URI find meta-rauc's dummy CA. */
    @Test
    void aKeyringDirectoryWithoutTheCaIsABuildError() throws IOException {
        String bbappend = text("meta-moducop/dynamic-layers/rauc/recipes-core/rauc/rauc-conf.bbappend");
        Matcher m = Pattern.compile("(?s)python do_fetch:prepend:moducop-board\\(\\) \\{\n(.*?)\n}\n").matcher(bbappend);
        assertTrue(m.find(), bbappend);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path good = Files.createDirectories(tmp.resolve("keys"));
        Files.writeString(good.resolve("ca.cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        String program = BITBAKE_STUBS + "def check(d):\n" + m.group(1) + "\n"
                + "for name, values in [('in-layer', {}), ('unset', {'MODUCOP_RAUC_KEYRING_DIR': ''}),"
                + " ('empty', {'MODUCOP_RAUC_KEYRING_DIR': '" + empty + "'}), ('relative', {'MODUCOP_RAUC_KEYRING_DIR': 'keys'}),"
                + " ('good', {'MODUCOP_RAUC_KEYRING_DIR': '" + good + "'})]:\n"
                + "    v = {'RAUC_KEYRING_FILE': 'ca.cert.pem', 'MACHINE': 'moducop-x', 'MODUCOP_RAUC_KEYRING_DIR': '',"
                + " 'MODUCOP_RAUC_KEYRING_FROM_BUILD': '' if name == 'in-layer' else '1'}\n"
                + "    v.update(values)\n"
                + "    try:\n"
                + "        check(D(v))\n"
                + "        print(name, 'ok')\n"
                + "    except Fatal as e:\n"
                + "        print(name, 'fatal:', e)\n";
        List<String> out = python(program).lines().toList();
        assertEquals("in-layer ok", out.get(0), out.toString());
        assertTrue(out.get(1).startsWith("unset fatal: moducop-x: no RAUC keyring."), out.toString());
        assertTrue(out.get(2).startsWith("empty fatal: moducop-x: MODUCOP_RAUC_KEYRING_DIR = \"" + empty + "\" holds no ca.cert.pem"),
                out.toString());
        assertTrue(out.get(3).startsWith("relative fatal: moducop-x: MODUCOP_RAUC_KEYRING_DIR = \"keys\""), out.toString());
        assertEquals("good ok", out.get(4), out.toString());
    }

    /** 8: the Pi's firmware, device tree and overlays are on the boot partition, which RAUC does not update. */
    @Test
    void theReadmesSayWhatAnUpdateLeavesOnTheBootPartition() throws IOException {
        String bsp = text("meta-moducop/README");
        assertTrue(bsp.contains("The boot partition is not A/B"), bsp);
        assertTrue(bsp.contains("On moducop-rpi4 the board's firmware loads the device tree from the boot partition"), bsp);
        String ota = Files.readString(Path.of("docs/ota-and-keys.md"));
        assertTrue(ota.contains("The boot partition is not A/B"), ota);
    }

    /** 9: runqemu boots the wic image through U-Boot as the boot flow expects (oe-core scripts/runqemu, qemuboot.bbclass). */
    @Test
    void runqemuBootsTheQemuMachineThroughUBoot() {
        String conf = machineConf("moducop-qemuarm64");
        for (String line : List.of("QB_DEFAULT_BIOS ?= \"u-boot.bin\"", "QB_DEFAULT_KERNEL ?= \"none\"",
                "QB_DEFAULT_FSTYPE ?= \"wic\"", "QB_DRIVE_TYPE ?= \"/dev/vd\"", "QB_MEM ?= \"-m 1024\"")) {
            assertTrue(conf.lines().anyMatch(line::equals), line + "\n" + conf);
        }
        Matcher m = Pattern.compile("(?m)^QB_OPT_APPEND:append = \" -drive if=pflash,unit=1,format=raw,file=@DEPLOY_DIR_IMAGE@/([a-z.-]+)\"$")
                .matcher(conf);
        assertTrue(m.find(), conf);
        String boot = text(BOOT_RECIPE);
        assertTrue(conf.contains("MACHINEOVERRIDES =. \"qemuarm64:moducop-runqemu:moducop-board:\"\n"), conf);
        assertTrue(boot.contains("do_deploy:append:moducop-runqemu() {\n"), boot);
        // QEMU's virt machine wants the whole 64 MiB bank; U-Boot's environment is at its start
        assertTrue(boot.contains("head -c 67108864 /dev/zero | tr '\\000' '\\377' > ${DEPLOYDIR}/" + m.group(1) + "\n"), boot);
        for (String other : List.of("moducop-beaglebone", "moducop-rpi4")) {
            assertFalse(machineConf(other).contains("QB_") || machineConf(other).contains("moducop-runqemu"), other);
        }
    }

    /** 10: a profile nobody can log into is valid, but validate and generate say so. */
    @Test
    void validateAndGenerateWarnWhenNobodyCanLogIn() throws IOException {
        Cli v = Cli.run("validate", "profiles/qemuarm64.yaml");
        assertEquals(0, v.exitCode(), v.err());
        assertEquals("profiles/qemuarm64.yaml: ok (MACHINE moducop-qemuarm64 on qemuarm64)\n", v.out());
        assertTrue(v.err().startsWith("profiles/qemuarm64.yaml: warning: nobody can log in: login.ssh-keys is empty"
                + " and login.development is false\n  hint: "), v.err());
        Cli g = Cli.run("generate", "-o", tmp.resolve("out").toString(), "profiles/qemuarm64.yaml");
        assertEquals(0, g.exitCode(), g.err());
        assertTrue(g.err().startsWith("profiles/qemuarm64.yaml: warning: nobody can log in"), g.err());

        for (String login : List.of("{ ssh-keys: [\"" + LoginTest.KEY + "\"] }", "{ development: true }")) {
            Path p = Files.writeString(tmp.resolve("p.yaml"), "board: { name: moducop-x, base: qemuarm64 }\nlogin: " + login + "\n");
            Cli ok = Cli.run("validate", p.toString());
            assertEquals(0, ok.exitCode(), ok.err());
            assertEquals("", ok.err(), login);
        }
    }

    /** 11: poky's images get MACHINE_EXTRA_RRECOMMENDS through packagegroup-base, which moducop-image leaves out. */
    @Test
    void theBoardsRecommendedPackagesAreInstalledAndOnlyTheLicenceGatedFirmwareWaitsForTheFlag() throws IOException {
        String image = text(IMAGE);
        String install = image.substring(image.indexOf("IMAGE_INSTALL = \""), image.indexOf("\"\n", image.indexOf("IMAGE_INSTALL = \"")));
        assertTrue(install.contains("    ${MACHINE_EXTRA_RRECOMMENDS} \\\n"), image);
        String pi = machineConf("moducop-rpi4");
        Matcher m = Pattern.compile("(?m)^MACHINE_EXTRA_RRECOMMENDS:remove = \"\\$\\{@(.*)}\"$").matcher(pi);
        assertTrue(m.find(), pi);
        String program = BITBAKE_STUBS + "for accepted in [None, '', 'commercial', 'synaptics-killswitch',"
                + " 'commercial synaptics-killswitch_linux-firmware-rpidistro']:\n"
                + "    d = D({'LICENSE_FLAGS_ACCEPTED': accepted})\n"
                + "    print(repr(accepted), '->', repr(" + m.group(1) + "))\n";
        String removed = "'linux-firmware-rpidistro-bcm43455 linux-firmware-rpidistro-bcm43456'";
        assertEquals(List.of("None -> " + removed, "'' -> " + removed, "'commercial' -> " + removed, "'synaptics-killswitch' -> ''",
                "'commercial synaptics-killswitch_linux-firmware-rpidistro' -> ''"), python(program).lines().toList());
        for (String other : List.of("moducop-qemuarm64", "moducop-beaglebone")) {
            assertFalse(machineConf(other).contains("MACHINE_EXTRA_RRECOMMENDS"), other);
        }
    }

    /** 12: moducop-health marks the slot good; RAUC's rauc-mark-good is left out of the image. */
    @Test
    void theDistroReadmeSaysTheHealthGateMarksTheSlotGood() {
        String rauc = text("meta-moducop-distro/README");
        SortedMap<String, byte[]> none = new LayerGenerator().generate(List.of(ProfileLoader.parse("p.yaml",
                "board: { name: moducop-x, base: qemuarm64 }\nota: { client: none }\n")));
        String plain = new String(none.get("meta-moducop-distro/README"), StandardCharsets.UTF_8);
        for (String readme : List.of(rauc, plain)) {
            assertFalse(readme.contains("rauc-mark-good.service re-arms"), readme);
            assertFalse(readme.contains("moducop-mark-good"), readme);
            assertTrue(readme.contains("moducop-health (the health gate) marks the booted slot good"), readme);
        }
        assertTrue(rauc.contains("`rauc status mark-good`"), rauc);
        assertTrue(plain.contains("`fw_setenv BOOT_<slot>_LEFT 3`"), plain);
    }
}
