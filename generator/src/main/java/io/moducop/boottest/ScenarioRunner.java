package io.moducop.boottest;

import io.moducop.machine.MachineConfig;
import io.moducop.profile.PartitionLayout;
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

    /** The generated files under test and the board facts the checks expect. */
    public record BootFlow(String bootCmd, String overlayInit, int attempts, MachineConfig board, PartitionLayout layout,
            io.moducop.profile.Profile.Overlays overlays) {

        /** The boot script and overlay init exactly as the generator writes them for {@code p}. */
        public static BootFlow of(io.moducop.profile.Profile p) {
            return of(io.moducop.layer.GeneratedLayers.of(List.of(p)), p);
        }

        /** The same from layers already generated (perhaps changed by a test) for {@code p}. */
        public static BootFlow of(io.moducop.layer.GeneratedLayers layers, io.moducop.profile.Profile p) {
            String m = p.board().name();
            return new BootFlow(layers.bootScript(m), layers.installed(m, "moducop-init"), p.bootAttempts(), p.base(), p.layout(),
                    p.overlays());
        }
    }

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
