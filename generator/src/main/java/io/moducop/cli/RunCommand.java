package io.moducop.cli;

import static io.moducop.Diagnostic.escape;

import io.moducop.UserError;
import io.moducop.boottest.GeneratedFiles;
import io.moducop.boottest.HostAssets;
import io.moducop.boottest.InteractiveRun;
import io.moducop.machine.MachineConfig;
import io.moducop.machine.MachineConfigs;
import io.moducop.profile.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        versionProvider = Moducop.Version.class,
        description = {"Run the profile's system in QEMU on this terminal.",
                "For trying applications and app bundles without a Yocto build: the system",
                "boot-test --system boots (the generated files on a real arm64 Debian",
                "userland with systemd, podman and RAUC; a fresh disk each run), with the",
                "serial console here, SSH and the applications' published ports on",
                "127.0.0.1, and --serve DIR in the guest as http://10.0.2.100/.",
                "Ctrl-C ends it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:QEMU ended (with --exit-when-ready: SSH and every application answered)", "1:it did not",
                "2:bad profile or option, or a port in use", "3:a host package is missing (the message names it)"})
final class RunCommand implements Callable<Integer> {

    @Mixin
    ProfileArgs profiles;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "The userland and QEMU assets, shared with boot-test (default: ~/.cache/moducop/boot-test).")
    Path cache;

    @Option(names = "--work", paramLabel = "DIR", defaultValue = "build/run",
            description = "The disk, environment flash and share (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--images", paramLabel = "DIR",
            description = "The image cache the applications' images were fetched into (default: ~/.cache/moducop/images).")
    Path images;

    @Option(names = "--ssh-port", paramLabel = "PORT", defaultValue = "2222",
            description = "127.0.0.1 port forwarded to the guest's SSH (default: ${DEFAULT-VALUE}).")
    int sshPort;

    @Option(names = "--serve", paramLabel = "DIR",
            description = "A directory the guest reads as http://10.0.2.100/ (e.g. app bundles for rauc install http://...).")
    Path serve;

    @Option(names = "--exit-when-ready",
            description = "End once SSH and every application answer, printing the time (for scripts and measurements).")
    boolean exitWhenReady;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Profile> loaded = profiles.load();
        if (loaded.size() != 1) {
            throw UserError.of("run", "run takes one profile, got " + loaded.size(), "run one profile at a time");
        }
        if (sshPort < 1024 || sshPort > 65535) {
            throw UserError.of("--ssh-port", "port " + sshPort + " is outside 1024-65535", "pick an unprivileged port, e.g. 2222");
        }
        if (serve != null && !Files.isDirectory(serve)) {
            throw UserError.of("--serve", escape(serve) + " is not a directory", "name the directory that holds the bundles");
        }
        PrintWriter out = spec.commandLine().getOut();
        Profile asked = loaded.get(0);
        if (asked.base().bootLoader() != MachineConfig.BootLoader.U_BOOT) {
            throw UserError.of(escape(asked.source()), "run boots U-Boot boards only so far, and " + asked.base().name()
                    + " boots with " + asked.base().bootLoader().id(), "boot-test has the same limit");
        }
        Profile profile = asked;
        if (asked.base().qemuMachine() != MachineConfig.QemuMachine.VIRT) {
            out.printf("run: %s is for %s; it runs on the QEMU arm64 board's devices (virtio disk, ttyAMA0, environment in flash)%n",
                    escape(asked.source()), asked.base().name());
            profile = asked.withBase(MachineConfigs.load("qemuarm64"));
        }
        if (asked.login().sshKeys().isEmpty() && !asked.login().development()) {
            out.println("run: nobody can log in to this profile's system (login.ssh-keys is empty, login.development is false):"
                    + " its applications still answer on their ports");
        }
        Path cacheDir = HostAssets.cacheDir(cache);
        HostAssets assets = HostAssets.prepareSystem(cacheDir);
        io.moducop.apps.ImageCache cacheOfImages = new io.moducop.apps.ImageCache(images != null ? images
                : io.moducop.apps.ImageCache.defaultDir(), null, true);
        return InteractiveRun.run(assets, GeneratedFiles.of(profile, asked), cacheOfImages, work.resolve(profile.board().name()),
                new InteractiveRun.Options(sshPort, serve, exitWhenReady, 900, null), out);
    }
}
