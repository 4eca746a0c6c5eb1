package io.moducop.boottest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * boot-test --system's mark-good for a Raspberry Pi 4 profile, on the Pi's own U-Boot (QEMU
 * raspi4b, {@link Raspi4bBoard}): the real userland with the Pi profile's own generated files
 * (fw_env.config naming /uboot/uboot.env, uboot.mount, system.conf), so that the generated
 * health gate's {@code rauc status mark-good} writes uboot.env on the SD card's FAT partition
 * through libubootenv, and the host reads it back there. raspi4b has no virtio: no host share,
 * no network; the checks read the console and the card.
 */
final class RaspiSystemScenarios {

    public static final List<String> SCENARIOS = List.of(ScenarioCatalog.SystemScenario.MARK_GOOD.id());

    /** raspi4b boots the userland slowly (TCG, four emulated cores): a boot takes minutes. */
    static final int BOOT_TIMEOUT_SECONDS = 1200;

    private final Raspi4bBoard board;
    private final SystemScenarios system;
    private final GeneratedFiles gen;
    private final DiskBuilder disks;
    private final Path work;

    /** {@code assets}: after prepareSystem and prepareRaspi; {@code gen}: generated for the Pi profile itself. */
    RaspiSystemScenarios(HostAssets assets, GeneratedFiles gen, Path work) throws IOException, InterruptedException {
        this.board = new Raspi4bBoard(assets);
        this.gen = gen;
        this.work = work;
        this.system = new SystemScenarios(assets, gen, work);
        this.disks = new DiskBuilder(assets.raspiSystem(), gen.profile().layout(), work);
    }

    /**
     * What only the emulation needs: QEMU's model of the BCM2835 power-management block resets the
     * board the moment a watchdog is started (it has no countdown), so systemd must not start it.
     */
    static DiskBuilder.HarnessFile noWatchdog() throws IOException {
        return DiskBuilder.HarnessFile.resource("/etc/systemd/system.conf.d/zz-boottest-raspi4b.conf", 0644,
                "raspi4b-no-watchdog.conf", false,
                "QEMU's BCM2835 power-management model resets the board the moment the watchdog is started (no countdown):"
                        + " systemd's hardware watchdog is off on raspi4b (the hang scenario proves it on virt's i6300esb)");
    }

    public List<ScenarioResult> run(List<String> ids) throws IOException, InterruptedException {
        Files.createDirectories(work);
        List<ScenarioResult> out = new java.util.ArrayList<>();
        for (String id : ids) {
            if (!SCENARIOS.contains(id)) {
                throw new IllegalArgumentException("unknown scenario " + id);
            }
            out.add(markGood(work.resolve(id)));
        }
        return out;
    }

    private ScenarioResult markGood(Path dir) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        Scenario s = new Scenario("mark-good", "the generated health gate finds the system healthy and rauc status mark-good"
                + " re-arms the counter in uboot.env on the SD card's FAT partition (fw_env.config: "
                + gen.installed("fw_env.config").lines().filter(l -> l.startsWith("/")).findFirst().orElse("?").trim()
                + "), read back from the host (raspi4b, the Pi's own U-Boot)");
        DiskBuilder.delete(dir);
        Files.createDirectories(dir);
        DiskBuilder.SystemSpec spec = system.spec(gen, "A", List.of(noWatchdog()));
        spec.harness().forEach(h -> s.evidence.add("harness: " + h.target() + ": " + h.reason()));
        DiskBuilder.SystemSlot slot = new DiskBuilder.SystemSlot("rootA", spec);
        Board.Unit sd = board.unit(dir, gen.profile().layout());
        disks.assembleSystem(sd.disk(), disks.bootPartition(gen.bootCmd()), slot, slot);
        sd.diskWritten();
        board.prepare(dir);
        // without firmware nothing switches the emulated board off: Linux's "reboot: Power down" ends the cycle
        Qemu.Boot b = sd.powerCycle(BOOT_TIMEOUT_SECONDS, new Qemu.Stop(
                l -> l.contains("reboot: Power down") || SystemScenarios.DEAD_END.stream().anyMatch(l::contains), -1), null);
        s.add(b, BOOT_TIMEOUT_SECONDS);
        Path log = dir.resolve("console-1.log");
        Files.writeString(log, b.console());
        s.logs.add(log.toString());
        BootConsole c = new BootConsole(b.console());
        s.expectLine(c, "Unable to read \"" + Raspi4bBoard.ENV_FILE + "\" from mmc0:1", "a new card: no uboot.env yet");
        s.expectLine(c, "Saving Environment to FAT... OK", "the boot script's saveenv wrote uboot.env to the FAT partition");
        s.expectLine(c, "tries left: A=" + (attempts - 1), "U-Boot took a try from A");
        // QEMU's raspi4b has no Ethernet (GENET is not emulated): like an unplugged Pi, the release's
        // systemd-networkd-wait-online fails, and the health gate must mark the slot good all the same
        system.expectSystemUp(s, c, "A", List.of(NetworkScenarios.WAIT_ONLINE));
        BootConsole.Mount boot = c.mounts().get("/uboot");
        s.expect(boot != null && "vfat".equals(boot.type()) && system.bootDev().equals(boot.device()),
                "the generated uboot.mount mounted the boot partition on /uboot", String.valueOf(boot));
        s.expectLine(c, "moducop-health: slot A is healthy and marked good", "the health gate marked A good");
        c.line("rauc status: marked slot").ifPresent(l -> s.evidence.add("console: " + l.strip()));
        Map<String, String> env = sd.env();
        s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
        s.expectEnv(env, "BOOT_ORDER", "A B");
        List<String> l = c.lines();
        return s.result(l.subList(Math.max(0, l.size() - 25), l.size()).stream().map(x -> "console: " + x).toList());
    }
}
