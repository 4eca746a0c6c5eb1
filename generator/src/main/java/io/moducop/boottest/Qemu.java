package io.moducop.boottest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One power cycle of the QEMU arm64 virt machine: U-Boot from -bios, env in pflash bank 1. */
final class Qemu {

    static final int TIMEOUT_SECONDS = 120;

    /** The console of one power cycle. QEMU exits on U-Boot reset, Linux poweroff or panic. */
    record Boot(String console, double seconds, boolean timedOut) {
    }

    private final HostAssets assets;

    Qemu(HostAssets assets) {
        this.assets = assets;
    }

    Boot powerCycle(Path disk, Path pflash) throws IOException, InterruptedException {
        List<String> cmd = List.of(assets.tool("qemu-system-aarch64").toString(),
                "-M", "virt", "-cpu", "cortex-a57", "-smp", "1", "-m", "1024",
                "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
                "-bios", assets.tool("u-boot.bin").toString(),
                "-drive", "if=pflash,unit=1,format=raw,file=" + pflash,
                "-drive", "if=none,id=hd0,format=raw,file=" + disk,
                "-device", "virtio-blk-device,drive=hd0");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        StringBuilder console = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                console.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r", ""));
            } catch (IOException ignored) {
                // the process was killed; what was read so far is kept
            }
        });
        reader.start();
        boolean exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        reader.join(5000);
        return new Boot(console.toString(), (System.nanoTime() - start) / 1e9, !exited);
    }
}
