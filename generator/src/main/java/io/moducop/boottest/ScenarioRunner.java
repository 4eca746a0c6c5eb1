package io.moducop.boottest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the generated boot flow for real: the generated boot.cmd (as boot.scr) under Debian's
 * qemu_arm64 U-Boot and the generated overlay init as init= on a real arm64 kernel, on a disk
 * with the profile's partition layout. Each scenario starts from its own disk and a blank
 * environment flash; the checks read the console and the saved U-Boot environment.
 */
public final class ScenarioRunner {

    public static final List<String> SCENARIOS = BootFlowScenarios.SCENARIOS;

    private final Scenarios scenarios;

    public ScenarioRunner(HostAssets assets, BootFlow flow, Path work) {
        this.scenarios = new Scenarios(assets, flow, work);
    }

    public List<ScenarioResult> run(List<String> ids, int parallel) throws IOException, InterruptedException {
        return scenarios.run(ids, parallel);
    }

    /** The boot-flow scenarios on QEMU's virt board: U-Boot from -bios, the environment in pflash bank 1. */
    private static final class Scenarios extends BootFlowScenarios {
        private final Qemu qemu;

        Scenarios(HostAssets assets, BootFlow flow, Path work) {
            super(flow, work, new DiskBuilder(assets, flow.layout(), work));
            this.qemu = new Qemu(assets);
        }

        @Override
        String machineNote() {
            return "";
        }

        @Override
        Device device(Path dir) throws IOException {
            Path pflash = dir.resolve("pflash1.img");
            UBootEnvImage.createBlank(pflash);
            return new Device(dir.resolve("disk.img")) {
                @Override
                Qemu.Boot powerCycle() throws IOException, InterruptedException {
                    return qemu.powerCycle(disk, pflash);
                }

                @Override
                int timeoutSeconds() {
                    return Qemu.TIMEOUT_SECONDS;
                }

                @Override
                Map<String, String> env() throws IOException {
                    return UBootEnvImage.read(pflash).orElse(Map.of());
                }

                @Override
                void setEnv(Map<String, String> changes) throws IOException {
                    UBootEnvImage.update(pflash, changes);
                }
            };
        }
    }
}
