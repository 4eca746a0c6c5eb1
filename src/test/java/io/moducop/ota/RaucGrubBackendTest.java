package io.moducop.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.GrubBoardLayers;
import io.moducop.HostTools;
import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RAUC's own GRUB backend against what a GRUB board's layers make: the generated system.conf (its
 * [system] section as generated: bootloader=grub and the grubenv; the slots' devices pointed at
 * files, the grubenv and data directory into the test's directory) and the grubenv moducop-grub's
 * do_compile makes. The real RAUC 1.13 from the Debian trixie tree app-bundle uses, its service on
 * a private D-Bus, grub-editenv from the same tree. What RAUC writes is what the generated grub.cfg
 * reads (GrubBootFlowTest boots it on real GRUB).
 */
class RaucGrubBackendTest {

    @TempDir
    static Path tmp;
    private static RaucHost rauc;
    private static String systemConf;
    private static List<String> grubenvCommands;

    @BeforeAll
    static void raucAndTheGeneratedFiles() throws IOException, InterruptedException {
        for (String t : List.of("unshare", "mmdebstrap")) {
            HostTools.require(t, t.equals("unshare") ? "util-linux" : "mmdebstrap");
        }
        if (!"0".equals(HostTools.run(List.of("id", "-u")).output().trim())) {
            HostTools.require("root (RAUC runs in a chroot)", "nothing: run as root");
        }
        rauc = RaucHost.prepare(RaucHost.defaultDir());
        GrubBoardLayers layers = GrubBoardLayers.generate(tmp.resolve("layers"));
        systemConf = layers.systemConf();
        grubenvCommands = layers.grubenvCommands();
        assertEquals(2, grubenvCommands.size(), "moducop-grub's do_compile creates and fills grubenv");
        assertTrue(systemConf.contains("\nbootloader=grub\n") && systemConf.contains("\ngrubenv=/efi/EFI/BOOT/grubenv\n"), systemConf);
    }

    @Test
    void raucReadsTheImagesGrubenvAndMarksAsGrubCfgExpects() throws IOException, InterruptedException {
        String out = run("A", "",
                "rauc status --detailed --output-format=shell | grep -E 'BOOTED_BOOTNAME|BOOT_PRIMARY|BOOT_STATUS'",
                "rauc status mark-bad other", "env",
                "rauc status mark-active other", "env");
        assertTrue(out.contains("RAUC_SYSTEM_BOOTED_BOOTNAME='A'"), out);
        assertTrue(out.contains("RAUC_BOOT_PRIMARY='rootfs.0'"), out);
        assertTrue(out.contains("RAUC_SLOT_BOOT_STATUS_1='good'") && out.contains("RAUC_SLOT_BOOT_STATUS_2='good'"), out);
        // an install into B: marked bad while written, then made primary
        assertTrue(out.contains("ENV ORDER=A B A_OK=1 A_TRY=0 B_OK=0 B_TRY=0\n"), out);
        assertTrue(out.contains("ENV ORDER=B A A_OK=1 A_TRY=0 B_OK=1 B_TRY=0\n"), out);
    }

    @Test
    void aTrialBootIsMarkedGoodByResettingItsTries() throws IOException, InterruptedException {
        // grub.cfg took B's second try after an update made B primary
        String out = run("B", "ORDER=\"B A\" B_TRY=2",
                "rauc status --detailed --output-format=shell | grep -E 'BOOTED_BOOTNAME|BOOT_PRIMARY'",
                "rauc status mark-good", "env");
        assertTrue(out.contains("RAUC_SYSTEM_BOOTED_BOOTNAME='B'"), out);
        // RAUC counts a slot with a try in use as not good, so it names A primary until B is marked good
        assertTrue(out.contains("RAUC_BOOT_PRIMARY='rootfs.0'"), out);
        assertTrue(out.contains("ENV ORDER=B A A_OK=1 A_TRY=0 B_OK=1 B_TRY=0\n"), out);
    }

    /**
     * The image's grubenv, changed by {@code set} (grub-editenv set arguments, "" none), then RAUC's
     * service for booted slot {@code booted} and each command; "env" prints grubenv as one line.
     */
    private static String run(String booted, String set, String... commands) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(tmp, "rauc");
        String conf = systemConf.replace("grubenv=/efi/EFI/BOOT/grubenv", "grubenv=" + RaucHost.WORK + "/grubenv")
                .replace("data-directory=/data/rauc", "data-directory=" + RaucHost.WORK + "/rauc-data")
                .replaceAll("(?m)^device=/dev/sda([23])$", "device=" + RaucHost.WORK + "/slot$1.img")
                .replaceAll("(?s)\\[keyring\\].*?\\n\\n", "");
        Files.writeString(work.resolve("system.conf"), conf);
        Files.writeString(work.resolve("bus.conf"), """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path=/tmp/system_bus_socket</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
                  </policy>
                </busconfig>
                """);
        Files.createFile(work.resolve("slot2.img"));
        Files.createFile(work.resolve("slot3.img"));
        Files.createDirectory(work.resolve("rauc-data"));
        List<String> script = new ArrayList<>(List.of("set -u", "cd " + RaucHost.WORK, "B=" + RaucHost.WORK));
        grubenvCommands.forEach(c -> script.add(c + " >&2"));
        if (!set.isEmpty()) {
            script.add("grub-editenv " + RaucHost.WORK + "/grubenv set " + set);
        }
        script.add("export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/tmp/system_bus_socket");
        script.add("dbus-daemon --config-file=" + RaucHost.WORK + "/bus.conf --fork --nopidfile || exit 1");
        script.add("rauc service --conf=" + RaucHost.WORK + "/system.conf --override-boot-slot=" + booted + " > /tmp/service.log 2>&1 &");
        script.add("i=0; until rauc status > /dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.2; i=$((i+1)); done");
        for (String c : commands) {
            script.add("echo \"\\$ " + c.replace("\"", "\\\"").replace("$", "\\$") + "\"");
            script.add(c.equals("env") ? "echo \"ENV $(grub-editenv " + RaucHost.WORK + "/grubenv list | tr '\\n' ' ' | sed 's/ $//')\""
                    : c + " || echo \"exit $?\"");
        }
        script.add("echo '# rauc service:'; cat /tmp/service.log");
        Files.writeString(work.resolve("run.sh"), String.join("\n", script) + "\n");
        Processes.Result r = rauc.exec(work, null, null, List.of("/bin/sh", RaucHost.WORK + "/run.sh"), Duration.ofSeconds(120));
        assertEquals(0, r.exitCode(), r.output());
        System.out.println(r.output());
        return r.output();
    }
}
