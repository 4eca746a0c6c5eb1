package io.moducop.boottest;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated grub.cfg's boot counting on the real GRUB under the real UEFI firmware: Debian's
 * GRUB made into one EFI binary the way oe-core's grub-efi recipe makes it (its default
 * GRUB_BUILDIN plus what the generated machine configuration appends, its built-in configuration,
 * prefix /EFI/BOOT), OVMF on QEMU q35, the EFI system partition holding grub.cfg and the grubenv
 * the generated moducop-grub recipe makes. The slots hold no kernel, so each power cycle ends in
 * the flow's "did not boot, resetting" (QEMU -no-reboot exits there); what a booted system and
 * RAUC do between cycles (mark-good, an install's mark-bad and mark-active) the host writes into
 * grubenv with grub-editenv, exactly as RAUC's GRUB backend writes it (rauc
 * src/bootloaders/grub.c: good X_OK=1 X_TRY=0, bad X_OK=0 X_TRY=0, primary X_OK=1 X_TRY=0
 * ORDER="X other"). Not yet in boot-test: a real kernel and userland on x86-64.
 */
@Tag("qemu")
class GrubBootFlowTest {

    /** oe-core wrynose meta/recipes-bsp/grub/grub-efi_2.14.bb: GRUB_BUILDIN ?= (scarthgap's 2.12 recipe has the same list). */
    private static final String GRUB_BUILDIN = "boot linux ext2 fat serial part_msdos part_gpt normal efi_gop iso9660 configfile search loadenv test";
    /** oe-core wrynose meta/recipes-bsp/grub/files/cfg, built into the EFI binary. */
    private static final String EMBEDDED_CFG = "search --file --set=root --hint-efi=$cmdpath /EFI/BOOT/grub.cfg\nset prefix=($root)/EFI/BOOT\n";
    private static final String OVMF = "/usr/share/OVMF/";
    private static final long MIB = 1 << 20;
    /** ESP, rootA, rootB, data: partition numbers as the profile's layout; sizes small, grub.cfg names none. */
    private static final long[][] PARTS = {{1, 32}, {33, 16}, {49, 16}, {65, 8}};
    private static final Pattern BOOTING = Pattern.compile("ModuCop: booting slot ([AB]) \\(tries used: A=(\\d) B=(\\d) of 3\\)");

    @TempDir
    static Path tmp;
    private static Path efi;
    private static Path grubCfg;
    private static List<String> grubenvCommands;

    @BeforeAll
    static void grubAndTheGeneratedFlow() throws IOException {
        for (String[] t : new String[][] {{"qemu-system-x86_64", "qemu-system-x86"}, {"grub-mkimage", "grub-common"},
                {"grub-editenv", "grub-common"}, {"mkfs.vfat", "dosfstools"}, {"mcopy", "mtools"}, {"sfdisk", "fdisk"},
                {"mkfs.ext4", "e2fsprogs"}}) {
            HostTools.require(t[0], t[1]);
        }
        for (String f : List.of("/usr/lib/grub/x86_64-efi/linux.mod", OVMF + "OVMF_CODE_4M.fd", OVMF + "OVMF_VARS_4M.fd")) {
            if (!Files.exists(Path.of(f))) {
                HostTools.require(f, f.contains("OVMF") ? "ovmf" : "grub-efi-amd64-bin");
            }
        }
        GrubBoardLayers layers = GrubBoardLayers.generate(tmp.resolve("layers"));
        grubCfg = layers.grubCfg();
        grubenvCommands = layers.grubenvCommands();
        Matcher append = Pattern.compile("(?m)^GRUB_BUILDIN:append:pn-grub-efi = \" ([a-z0-9_ ]+)\"$").matcher(layers.machineConf());
        assertTrue(append.find(), "the machine configuration appends grub.cfg's commands to GRUB_BUILDIN");
        Path embedded = tmp.resolve("embedded.cfg");
        Files.writeString(embedded, EMBEDDED_CFG);
        efi = tmp.resolve("bootx64.efi");
        List<String> mk = new ArrayList<>(List.of("grub-mkimage", "-O", "x86_64-efi", "-c", embedded.toString(), "-p", "/EFI/BOOT",
                "-o", efi.toString()));
        mk.addAll(List.of((GRUB_BUILDIN + " " + append.group(1)).split(" ")));
        ok(mk);
    }

    @Test
    void countsTriesFallsBackReArmsAndFollowsRaucsMarks() throws IOException {
        Path disk = disk("flow", Files.readString(grubCfg));
        expectBoot(disk, "A", 1, 0, "first power-up: slot A takes a try");
        setEnv(disk, Map.of("A_OK", "1", "A_TRY", "0"));
        expectBoot(disk, "A", 1, 0, "A marked good (rauc status mark-good): the next boot is A with a fresh try");
        expectBoot(disk, "A", 2, 0, "A not marked good: its second try");
        expectBoot(disk, "A", 3, 0, "its third and last try");
        expectBoot(disk, "B", 3, 1, "A's tries are used up: fallback to B");
        expectBoot(disk, "B", 3, 2, "B's second try");
        expectBoot(disk, "B", 3, 3, "B's third try");
        String rearm = powerCycle(disk);
        assertTrue(rearm.contains("ModuCop: no slot has a boot attempt left, re-arming A and B"), rearm);
        assertEquals("0", env(disk).get("A_TRY"), "re-armed");
        assertEquals("0", env(disk).get("B_TRY"), "re-armed");
        expectBoot(disk, "A", 1, 0, "after the re-arm A is tried again");
        setEnv(disk, Map.of("B_OK", "0", "B_TRY", "0"));
        setEnv(disk, Map.of("B_OK", "1", "B_TRY", "0", "ORDER", "B A"));
        expectBoot(disk, "B", 1, 1, "rauc install into B: B marked bad while written, then primary (ORDER=\"B A\")");
        setEnv(disk, Map.of("B_OK", "0", "B_TRY", "0"));
        expectBoot(disk, "A", 2, 0, "B marked bad (rauc status mark-bad): skipped although first in ORDER");
        assertEquals("B A", env(disk).get("ORDER"));
    }

    @Test
    void withoutTheTryCountANeverMarkedSlotIsBootedForEver() throws IOException {
        // the mechanism taken away: the chosen slot's try is no longer counted
        String cfg = Files.readString(grubCfg).replaceAll("then set ([AB])_TRY=[0-9]; set moducop_slot", "then set moducop_slot");
        Path disk = disk("no-count", cfg);
        for (int i = 0; i < 4; i++) {
            String out = powerCycle(disk);
            Matcher m = BOOTING.matcher(out);
            assertTrue(m.find(), out);
            assertEquals("A", m.group(1), "boot " + (i + 1) + ": no fallback without the count");
        }
        assertEquals("0", env(disk).get("A_TRY"));
    }

    /** A GPT disk: the EFI system partition with GRUB, {@code cfg} and the recipe's grubenv; empty ext4 slots; data. */
    private static Path disk(String name, String cfg) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path esp = dir.resolve("esp.img");
        ok(List.of("mkfs.vfat", "-F", "16", "-n", "BOOT", "-C", esp.toString(), String.valueOf(PARTS[0][1] * 1024)));
        Path cfgFile = dir.resolve("grub.cfg");
        Files.writeString(cfgFile, cfg);
        // the grubenv as moducop-grub's do_compile makes it, by its own commands with ${B} this directory
        assertEquals(2, grubenvCommands.size(), "do_compile creates and fills grubenv: " + grubenvCommands);
        ok(List.of("sh", "-ec", String.join("\n", grubenvCommands), "sh"), Map.of("B", dir.toString()));
        ok(List.of("mmd", "-i", esp.toString(), "::/EFI", "::/EFI/BOOT"));
        ok(List.of("mcopy", "-i", esp.toString(), efi.toString(), "::/EFI/BOOT/bootx64.efi"));
        ok(List.of("mcopy", "-i", esp.toString(), cfgFile.toString(), "::/EFI/BOOT/grub.cfg"));
        ok(List.of("mcopy", "-i", esp.toString(), dir.resolve("grubenv").toString(), "::/EFI/BOOT/grubenv"));
        Path disk = dir.resolve("disk.img");
        try (var f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength((PARTS[3][0] + PARTS[3][1] + 1) * MIB);
        }
        StringBuilder table = new StringBuilder("label: gpt\nunit: sectors\n");
        String[] types = {"C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
            "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"};
        for (int i = 0; i < PARTS.length; i++) {
            table.append("start=").append(PARTS[i][0] * MIB / 512).append(", size=").append(PARTS[i][1] * MIB / 512)
                    .append(", type=").append(types[i]).append('\n');
        }
        Path script = dir.resolve("table.sfdisk");
        Files.writeString(script, table);
        ok(List.of("sh", "-c", "sfdisk -q --no-reread --no-tell-kernel \"$0\" < \"$1\"", disk.toString(), script.toString()));
        DiskBuilder.copyInto(esp, disk, PARTS[0][0] * MIB);
        for (int slot = 1; slot <= 2; slot++) {
            Path root = Files.createDirectories(dir.resolve("root" + slot + "/boot"));
            Path img = dir.resolve("slot" + slot + ".img");
            ok(List.of("mkfs.ext4", "-q", "-F", "-d", root.getParent().toString(), img.toString(), PARTS[slot][1] + "M"));
            DiskBuilder.copyInto(img, disk, PARTS[slot][0] * MIB);
        }
        Files.copy(Path.of(OVMF + "OVMF_VARS_4M.fd"), dir.resolve("vars.fd"));
        return disk;
    }

    private static void expectBoot(Path disk, String slot, int aTry, int bTry, String what) throws IOException {
        String out = powerCycle(disk);
        Matcher m = BOOTING.matcher(out);
        assertTrue(m.find(), what + ": no \"booting slot\" line\n" + out);
        assertEquals(List.of(slot, String.valueOf(aTry), String.valueOf(bTry)), List.of(m.group(1), m.group(2), m.group(3)),
                what + "\n" + m.group());
        assertTrue(out.contains("ModuCop: slot " + slot + " did not boot, resetting"), what + ": the slot has no kernel\n" + out);
        Map<String, String> env = env(disk);
        assertEquals(String.valueOf(aTry), env.get("A_TRY"), what + ": grubenv " + env);
        assertEquals(String.valueOf(bTry), env.get("B_TRY"), what + ": grubenv " + env);
    }

    /** One power-up to the flow's reset (QEMU -no-reboot ends there); the serial console's text. */
    private static String powerCycle(Path disk) throws IOException {
        Path vars = disk.resolveSibling("vars.fd");
        List<String> cmd = List.of("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", "256",
                "-nic", "none", "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF + "OVMF_CODE_4M.fd",
                "-drive", "if=pflash,format=raw,unit=1,file=" + vars,
                "-drive", "file=" + disk + ",format=raw,if=none,id=d0", "-device", "ide-hd,drive=d0,bus=ide.0");
        try {
            Processes.Result r = Processes.run(cmd, null, Map.of(), Duration.ofSeconds(240));
            assertTrue(r.exitCode() == 0, "QEMU did not end at the reset (exit " + r.exitCode() + "):\n" + r.output());
            return r.output().replaceAll("\u001b\\[[0-9;?=]*[A-Za-z]", "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** grubenv as RAUC's GRUB backend reads it: grub-editenv list. */
    private static Map<String, String> env(Path disk) throws IOException {
        Path copy = disk.resolveSibling("grubenv.read");
        Files.deleteIfExists(copy);
        ok(List.of("mcopy", "-i", disk + "@@" + PARTS[0][0] * MIB, "::/EFI/BOOT/grubenv", copy.toString()));
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : HostTools.run(List.of("grub-editenv", copy.toString(), "list")).output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    /** What RAUC's GRUB backend does: grub-editenv FILE set K=V... on the partition's grubenv. */
    private static void setEnv(Path disk, Map<String, String> changes) throws IOException {
        Path copy = disk.resolveSibling("grubenv.write");
        Files.deleteIfExists(copy);
        String image = disk + "@@" + PARTS[0][0] * MIB;
        ok(List.of("mcopy", "-i", image, "::/EFI/BOOT/grubenv", copy.toString()));
        List<String> cmd = new ArrayList<>(List.of("grub-editenv", copy.toString(), "set"));
        changes.forEach((k, v) -> cmd.add(k + "=" + v));
        ok(cmd);
        ok(List.of("mcopy", "-o", "-i", image, copy.toString(), "::/EFI/BOOT/grubenv"));
    }

    private static void ok(List<String> cmd) {
        ok(cmd, Map.of());
    }

    private static void ok(List<String> cmd, Map<String, String> env) {
        try {
            Map<String, String> all = new LinkedHashMap<>(env);
            all.put("MTOOLS_SKIP_CHECK", "1");
            Processes.Result r = Processes.run(cmd, null, all, Duration.ofSeconds(120));
            assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.output());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
