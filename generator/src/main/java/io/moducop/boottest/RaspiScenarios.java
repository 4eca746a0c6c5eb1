package io.moducop.boottest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The boot scenarios of a Raspberry Pi 4 profile on the Pi's own U-Boot ({@link RaspiMachine}):
 * the generated boot.scr on the SD card's FAT partition, the generated overlay init on Debian's
 * arm64 kernel with the Pi 4 device tree, and the U-Boot environment read from and written to
 * uboot.env on the boot partition, where the board keeps it.
 */
public final class RaspiScenarios {

    /** What runs on raspi4b: every boot-flow scenario. */
    public static final List<String> SCENARIOS = BootFlowScenarios.SCENARIOS;

    private final Scenarios scenarios;

    public RaspiScenarios(HostAssets assets, BootFlow flow, Path work) {
        this.scenarios = new Scenarios(new RaspiMachine(assets), flow, work);
    }

    /** Whether {@code p} runs on raspi4b: its base board is the Raspberry Pi 4. */
    public static boolean runsOn(io.moducop.profile.Profile p) {
        return RaspiMachine.emulates(p.base());
    }

    /** The device-tree changes the emulation makes, one line each, for the report. */
    public static List<String> emulationNotes() {
        List<String> l = new ArrayList<>();
        for (RaspiMachine.DtbEdit e : RaspiMachine.DTB_EDITS) {
            l.add("fdtput " + String.join(" ", e.fdtput()) + "  # " + e.why());
        }
        return l;
    }

    public List<ScenarioResult> run(List<String> ids, int parallel) throws IOException, InterruptedException {
        return scenarios.run(ids, parallel);
    }

    /** The boot-flow scenarios on raspi4b: one SD card each, the environment in uboot.env on its FAT partition. */
    private static final class Scenarios extends BootFlowScenarios {
        private final RaspiMachine machine;
        private Path dtb;

        Scenarios(RaspiMachine machine, BootFlow flow, Path work) {
            super(flow, work, new DiskBuilder(machine.slotAssets(), flow.layout(), work));
            this.machine = machine;
        }

        @Override
        void prepare() throws IOException, InterruptedException {
            dtb = machine.emulationDtb(work);
        }

        @Override
        String machineNote() {
            return " (raspi4b)";
        }

        @Override
        Device device(Path dir) {
            long bootOffset = flow.layout().part("boot").start();
            return new Device(dir.resolve("sd.img")) {
                @Override
                void build(boolean bootableA, boolean bootableB, DiskBuilder.Data data) throws IOException {
                    super.build(bootableA, bootableB, data);
                    RaspiMachine.padToSdSize(disk, flow.layout().storage());
                }

                @Override
                Qemu.Boot powerCycle() throws IOException, InterruptedException {
                    return machine.powerCycle(disk, dtb);
                }

                @Override
                int timeoutSeconds() {
                    return RaspiMachine.TIMEOUT_SECONDS;
                }

                @Override
                Map<String, String> env() throws IOException {
                    return machine.readEnv(disk, bootOffset).orElse(Map.of());
                }

                @Override
                void setEnv(Map<String, String> changes) throws IOException {
                    machine.updateEnv(disk, bootOffset, changes);
                }
            };
        }

        @Override
        void expectBoardBoot(Scenario s, BootConsole c) {
            s.expectLine(c, "Found U-Boot script /boot.scr", "the Pi's U-Boot found boot.scr on the SD card's FAT partition");
            s.expectLine(c, "Saving Environment to FAT... OK", "saveenv wrote uboot.env to the FAT boot partition");
            String cmdline = c.cmdline();
            s.expect(cmdline.startsWith(RaspiMachine.FIRMWARE_BOOTARGS + " "),
                    "the firmware's kernel arguments (/chosen/bootargs at ${fdt_addr}) come first on the kernel command line",
                    "cmdline " + cmdline);
        }

        @Override
        void expectRootDevice(Scenario s, BootConsole c, String dev) {
            s.expectLine(c, "mounted " + dev + " (" + dev + ") on /", "the SD card's partition " + dev + " is the root");
        }

        @Override
        void expectNoSavedEnvironment(Scenario s, BootConsole c) {
            s.expectLine(c, "Unable to read \"" + RaspiMachine.ENV_FILE + "\" from mmc0:1", "a new card has no uboot.env: U-Boot's default environment");
        }

        @Override
        void expectEnvironmentRead(Scenario s, BootConsole c) {
            s.expectLine(c, "Loading Environment from FAT... OK", "U-Boot read uboot.env as written from outside");
        }
    }
}
