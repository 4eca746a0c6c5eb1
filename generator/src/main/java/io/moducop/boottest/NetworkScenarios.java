package io.moducop.boottest;

import static io.moducop.boottest.SystemScenarios.finish;
import static io.moducop.boottest.SystemScenarios.resource;
import static io.moducop.boottest.SystemScenarios.run;
import static io.moducop.boottest.SystemScenarios.task;

import io.moducop.boottest.SystemScenarios.Device;
import io.moducop.layer.LayerGenerator;
import io.moducop.profile.Profile;
import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * --system's network scenarios: login (SSH from the host) and a device whose network never comes
 * up (offline, no-dhcp).
 */
final class NetworkScenarios extends ScenarioGroup {

    NetworkScenarios(SystemScenarios sys) {
        super(sys);
    }

    /** The unit that fails when the network never comes up: the surroundings, which the health gate does not judge. */
    static final String WAIT_ONLINE = "systemd-networkd-wait-online.service";

    /**
     * A device whose network never comes up ({@code net}: no card, or no DHCP answer) boots
     * {@code boots} times: each boot completes, the network's wait fails (the condition is really
     * met: the release enables systemd-networkd with its [Install] Also=, so network-online.target
     * pulls systemd-networkd-wait-online), the health gate marks the slot good anyway and the board
     * powers off through the reporter, never rebooting: a slot marked good on an earlier boot stays.
     */
    ScenarioResult unplugged(Device d, String id, Qemu.Network net, int boots) throws IOException, InterruptedException {
        int attempts = gen.profile().bootAttempts();
        String what = net == Qemu.Network.NONE ? "no network card, no link" : "a link on which nobody answers DHCP";
        Scenario s = new Scenario(id, "no network (" + what + "): " + boots + (boots == 1 ? " boot" : " boots")
                + " complete, the slot is marked good" + (gen.profile().apps().isEmpty() ? "" : " with the applications up")
                + " and never rolled back; the failed wait for the network is reported, not judged");
        d.network = net;
        d.build();
        d.taskResource("mark-good.sh");
        for (int boot = 1; boot <= boots; boot++) {
            BootConsole c = d.boot(s);
            String n = boots == 1 ? "" : "boot " + boot + ": ";
            sys.expectSystemUp(s, c, "A", List.of(WAIT_ONLINE));
            s.expect(c.has("BOOTTEST: failed " + WAIT_ONLINE), n + WAIT_ONLINE + " failed: the boot really had no network",
                    c.line("BOOTTEST: failed-count").orElse("no report"));
            s.expectLine(c, "moducop-health: failed, not judged", n + "the health gate reported the failure and did not judge it");
            s.expectLine(c, "moducop-health: slot A is healthy and marked good", n + "the health gate marked slot A good");
            s.expect(!c.has("rebooting to use up this try"), n + "the health gate did not reboot",
                    c.line("rebooting to use up this try").orElse(null));
            s.expect(c.has("BOOTTEST: done"), n + "the boot ended in the reporter's power-off", c.line("BOOTTEST: done").orElse("no report"));
            Map<String, String> env = d.env();
            s.expectEnv(env, "BOOT_A_LEFT", Integer.toString(attempts));
            s.expectEnv(env, "BOOT_ORDER", "A B");
        }
        return finish(s, d);
    }

    static final String AUTHORIZED_KEYS = LayerGenerator.DISTRO_LAYER + "/recipes-core/moducop-login/files/authorized_keys";

    /** The root password the harness gives the guest, so that a refused password login proves sshd refuses it. */
    static final String ROOT_PASSWORD = "boottest";

    ScenarioResult login(Path dir) throws IOException, InterruptedException {
        boolean development = gen.profile().login().development();
        Scenario s = new Scenario("login", "SSH from the host (127.0.0.1 forward) as root with a key of login.ssh-keys works;"
                + (development ? " development profile: the empty root password works too" : " password login does not"));
        Path key = harnessKey();
        String pub = Files.readString(key.resolveSibling(key.getFileName() + ".pub")).trim();
        // The harness cannot hold the private half of the profile's keys: it logs in with a key of its own,
        // added to the generated authorized_keys the way a login.ssh-keys entry is (checked below).
        GeneratedFiles g = gen;
        byte[] generated = gen.files().get(AUTHORIZED_KEYS);
        if (generated != null) {
            List<String> listed = new String(generated, StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            s.expect(listed.equals(gen.profile().login().sshKeys()), "the generated authorized_keys lists exactly login.ssh-keys",
                    listed.size() + " key(s)");
            Profile withKey = gen.profile().withLogin(new Profile.Login(
                    java.util.stream.Stream.concat(gen.profile().login().sshKeys().stream(), java.util.stream.Stream.of(pub)).toList(),
                    development));
            byte[] keyed = io.moducop.layer.GeneratedLayers.of(List.of(withKey)).files().get(AUTHORIZED_KEYS);
            g = gen.withFile(AUTHORIZED_KEYS, keyed);
            s.evidence.add("harness: its key " + pub.substring(pub.lastIndexOf(' ') + 1) + " added to login.ssh-keys for this boot"
                    + " (authorized_keys generated again from the profile with it)");
        }
        Device d = sys.device(dir, g, List.of(rootPassword()));
        d.build();
        d.task(null);
        d.share("after", "stay\n".getBytes(StandardCharsets.UTF_8));
        List<Processes.Result> results = java.util.Collections.synchronizedList(new ArrayList<>());
        BootConsole c = d.boot(s, Qemu.Stop.never().whileUp("BOOTTEST: done", () -> {
            results.add(ssh(d.sshPort, key, null));
            results.add(ssh(d.sshPort, null, development ? "" : ROOT_PASSWORD));
        }));
        sys.expectSystemUp(s, c, "A");
        Processes.Result byKey = results.size() > 0 ? results.get(0) : new Processes.Result(-1, "the host never tried");
        Processes.Result byPassword = results.size() > 1 ? results.get(1) : new Processes.Result(-1, "the host never tried");
        s.expect(byKey.ok() && byKey.output().contains("logged in as root"), "ssh -i <key of login.ssh-keys> root@127.0.0.1 works",
                oneLine(byKey));
        if (development) {
            s.expect(byPassword.ok(), "development: root logs in with the empty password", oneLine(byPassword));
        } else {
            s.expect(byPassword.exitCode() == 255 && byPassword.output().contains("Permission denied"),
                    "password login as root is refused (root's password is set)", oneLine(byPassword));
        }
        return finish(s, d);
    }

    private static String oneLine(Processes.Result r) {
        return "exit " + r.exitCode() + ": " + r.output().strip().replace('\n', ' ');
    }

    private synchronized Path harnessKey() throws IOException {
        Path key = work.resolve("login-key");
        if (!Files.exists(key)) {
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "boot-test", "-f", key.toString());
        }
        return key;
    }

    private DiskBuilder.HarnessFile rootPassword() throws IOException, InterruptedException {
        String hash = Processes.run(List.of("openssl", "passwd", "-6", "-salt", "moducopboottest", ROOT_PASSWORD)).output().trim();
        if (!hash.startsWith("$6$")) {
            throw new IOException("openssl passwd -6 did not give a SHA-512 crypt hash: " + hash);
        }
        String shadow = Files.readString(assets.systemRoot().resolve("etc/shadow"));
        String patched = shadow.lines().map(l -> l.startsWith("root:") ? "root:" + hash + l.substring(l.indexOf(':', 5)) : l)
                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        return new DiskBuilder.HarnessFile("/etc/shadow", 0640, patched, false, "root's password set to \"" + ROOT_PASSWORD
                + "\" (Debian's root is locked), so that a refused password login shows that sshd refuses passwords");
    }

    /** ssh as root to the forwarded port, with {@code key}, or with {@code password} through SSH_ASKPASS; retried while sshd is not up. */
    private Processes.Result ssh(int port, Path key, String password) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20", "-F", "/dev/null"));
        Map<String, String> env = new java.util.HashMap<>();
        if (key != null) {
            cmd.addAll(List.of("-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                    "-o", "PreferredAuthentications=publickey"));
        } else {
            Path askpass = work.resolve("askpass.sh");
            Files.writeString(askpass, resource("boottest/system/harness/askpass.sh").replace("@PASSWORD@", password));
            askpass.toFile().setExecutable(true);
            env.put("SSH_ASKPASS", askpass.toString());
            env.put("SSH_ASKPASS_REQUIRE", "force");
            env.put("DISPLAY", ":0");
            cmd.addAll(List.of("-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=/dev/null",
                    "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1"));
        }
        cmd.addAll(List.of("root@127.0.0.1", "echo \"logged in as $(id -un) on $(cat /etc/moducop-boottest-variant)\""));
        Processes.Result r = null;
        for (int i = 0; i < 12; i++) {
            r = Processes.run(cmd, null, env, java.time.Duration.ofSeconds(60));
            // 255 without an authentication answer: sshd not listening yet (or the network not configured yet)
            if (r.exitCode() != 255 || r.output().contains("Permission denied")) {
                break;
            }
            Thread.sleep(5000);
        }
        return r;
    }
}
