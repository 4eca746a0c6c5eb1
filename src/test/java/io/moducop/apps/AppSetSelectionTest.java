package io.moducop.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moducop.HostTools;
import io.moducop.layer.GeneratedLayers;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated moducop-apps.sh, which every app script sources to decide which set of
 * applications a boot runs, under /bin/sh with set -eu and its paths moved into a temporary
 * directory: what it reads back from /data and /run is checked, never followed blindly. The
 * system around it (RAUC, podman, systemd) is SystemScenariosTest's app-update scenario.
 */
class AppSetSelectionTest {

    private static final String SET = "0123456789abcdef";

    @TempDir
    Path tmp;
    private Path lib;

    private static String generated;

    @BeforeAll
    static void generate() {
        var profile = ProfileLoader.load(Path.of("examples/web-app/board.yaml"));
        generated = new String(GeneratedLayers.of(List.of(profile)).files()
                .get("meta-moducop-distro/recipes-containers/moducop-apps/files/moducop-apps.sh"), StandardCharsets.UTF_8);
    }

    @BeforeEach
    void paths() throws IOException {
        String text = generated
                .replace("/data/moducop/apps", tmp.resolve("state").toString())
                .replace("/run/moducop/apps-trial", tmp.resolve("trial").toString())
                .replace("/etc/moducop/rootfs-id", tmp.resolve("rootfs-id").toString());
        lib = tmp.resolve("moducop-apps.sh");
        Files.writeString(lib, text);
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(tmp.resolve("rootfs-id"), "rootfs-1\n");
    }

    /** set_dir as slot A's boot sees it. */
    private String setDir() {
        HostTools.Result r = HostTools.run(List.of("sh", "-euc", ". " + lib + "; booted_slot() { echo A; }; set_dir"));
        assertEquals(0, r.exitCode(), r.output());
        return r.output().strip();
    }

    private Path set(String id, String rootfs) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("state/.set-" + id + "/web"));
        Files.writeString(dir.getParent().resolve("rootfs-id"), rootfs + "\n");
        return dir.getParent();
    }

    @Test
    void withNothingOnDataTheSlotRunsItsOwnApplications() {
        assertEquals("/usr/share/moducop/apps", setDir());
    }

    @Test
    void aSetMarkedGoodWithThisRootFileSystemRuns() throws IOException {
        Path dir = set(SET, "rootfs-1");
        Files.writeString(tmp.resolve("state/good-A"), SET + "\n");
        assertEquals(dir.toString(), setDir());
    }

    @Test
    void aSetMarkedGoodWithAnotherRootFileSystemIsNotRun() throws IOException {
        set(SET, "rootfs-0");
        Files.writeString(tmp.resolve("state/good-A"), SET + "\n");
        assertEquals("/usr/share/moducop/apps", setDir(), "an OS update wrote the slot: its own applications run");
    }

    @Test
    void anotherSlotsGoodSetIsNotRun() throws IOException {
        set(SET, "rootfs-1");
        Files.writeString(tmp.resolve("state/good-B"), SET + "\n");
        assertEquals("/usr/share/moducop/apps", setDir());
    }

    @Test
    void theSetOnTrialRunsBeforeTheGoodOne() throws IOException {
        set(SET, "rootfs-1");
        Path trial = set("fedcba9876543210", "rootfs-1");
        Files.writeString(tmp.resolve("state/good-A"), SET + "\n");
        Files.writeString(tmp.resolve("trial"), "fedcba9876543210\n");
        assertEquals(trial.toString(), setDir());
    }

    @Test
    void namesThatAreNoSetIdAreIgnored() throws IOException {
        set(SET, "rootfs-1");
        for (String bad : List.of("../../etc", SET + "/..", "0123456789ABCDEF", "0123456789abcde", "", SET.repeat(2))) {
            Files.writeString(tmp.resolve("state/good-A"), bad + "\n");
            assertEquals("/usr/share/moducop/apps", setDir(), "good-A: " + bad);
        }
    }

    @Test
    void aSetDirectoryThatIsASymbolicLinkIsIgnored() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/web"));
        Files.writeString(elsewhere.getParent().resolve("rootfs-id"), "rootfs-1\n");
        Files.createSymbolicLink(tmp.resolve("state/.set-" + SET), elsewhere.getParent());
        Files.writeString(tmp.resolve("state/good-A"), SET + "\n");
        assertEquals("/usr/share/moducop/apps", setDir());
    }

    @Test
    void withoutABootedSlotOnlyATrialOrTheSlotsOwnRun() throws IOException {
        set(SET, "rootfs-1");
        Files.writeString(tmp.resolve("state/good-A"), SET + "\n");
        HostTools.Result r = HostTools.run(List.of("sh", "-euc", ". " + lib + "; booted_slot() { :; }; set_dir"));
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("/usr/share/moducop/apps", r.output().strip());
    }
}
