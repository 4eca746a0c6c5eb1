package io.moducop.boottest;

import static io.moducop.Diagnostic.escape;

import io.moducop.util.Processes;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code moducop run}: the profile's system on QEMU's arm64 board as boot-test --system builds it
 * (a fresh disk, slot A as generated, the applications' images in the slot), on this terminal: the
 * serial console is stdin/stdout, SSH and every published port of the applications are forwarded
 * from 127.0.0.1, and a directory may be served to the guest as {@link UpdateServer#URL}. Ctrl-C
 * ends QEMU (for the device, a power cut, which it is built to survive).
 */
public final class InteractiveRun {

    /**
     * {@code serve}: null, or a directory the guest reads as {@link UpdateServer#URL}; {@code exitWhenReady}: stop once all
     * answer; {@code console}: null (this terminal), or a file the console goes to, with no input (a test).
     */
    public record Options(int sshPort, Path serve, boolean exitWhenReady, int readyTimeoutSeconds, Path console) {
    }

    private InteractiveRun() {
    }

    /** {@code images}: where the applications' images were fetched. Boots and returns 0 when QEMU ends (or, with {@code exitWhenReady}, once SSH and the applications answer), 1 otherwise. */
    public static int run(HostAssets assets, GeneratedFiles gen, io.moducop.apps.ImageCache images, Path work, Options o,
            PrintWriter out) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("ssh", o.sshPort());
        for (io.moducop.apps.App a : gen.profile().apps()) {
            for (String p : AppsScenarios.ports(List.of(a))) {
                ports.put(a.name() + " port " + p, Integer.parseInt(p));
            }
        }
        for (Map.Entry<String, Integer> e : ports.entrySet()) {
            requireFree(e.getKey(), e.getValue());
        }
        SystemScenarios sys = new SystemScenarios(assets, gen, work, images);
        // a fresh directory as each boot-test scenario gets (links in an old one removed, not followed)
        Path dir = work.resolve("device");
        DiskBuilder.delete(dir);
        SystemScenarios.Device d = sys.device(java.nio.file.Files.createDirectories(dir), gen);
        d.build();
        d.task(null);
        d.share("after", "stay\n".getBytes(StandardCharsets.UTF_8));
        d.notes.forEach(n -> out.println("run: " + escape(n)));
        UpdateServer server = o.serve() == null ? null
                : UpdateServer.start(assets.tool("busybox").toString(), o.serve(), dir.resolve("update-server.log"));
        try {
            if (server != null) {
                out.printf("run: %s is served to the guest as %s (busybox httpd on 127.0.0.1; log %s)%n", escape(o.serve()),
                        UpdateServer.URL, escape(dir.resolve("update-server.log")));
            }
            ports.forEach((name, p) -> out.printf("run: %s: 127.0.0.1:%d%n", name, p));
            out.printf(Locale.ROOT, "run: disk %s; %s%n", escape(d.disk),
                    o.console() == null ? "the console follows (Ctrl-C ends QEMU)" : "the console goes to " + escape(o.console()));
            out.flush();
            List<Integer> appPorts = ports.entrySet().stream().filter(e -> !"ssh".equals(e.getKey())).map(Map.Entry::getValue).toList();
            List<String> cmd = d.unit.systemCommand(d.share, Qemu.Network.USER.qemuArgs(o.sshPort(), server, appPorts));
            Process qemu = o.console() == null ? Processes.startInteractive(cmd) : Processes.startLogged(cmd, o.console());
            Thread hook = new Thread(qemu::destroy);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                double ready = waitReady(qemu, ports, o.readyTimeoutSeconds(), t0, out);
                if (o.exitWhenReady()) {
                    qemu.destroy();
                    qemu.waitFor(30, TimeUnit.SECONDS);
                    return ready >= 0 ? 0 : 1;
                }
                return qemu.waitFor() == 0 ? 0 : 1;
            } finally {
                UpdateServer.unhook(hook);
                qemu.destroy();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static void requireFree(String what, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw io.moducop.UserError.of("run", "127.0.0.1:" + port + " (" + what + ") is in use on this machine",
                    "end what listens there" + ("ssh".equals(what) ? ", or pick another with --ssh-port" : ""));
        }
    }

    /**
     * Polls every forward once a second until each answers: SSH with its banner, an application's
     * port with the first line of an HTTP GET. Returns the seconds since {@code t0}, or -1 when
     * QEMU ended or {@code timeoutSeconds} passed first.
     */
    private static double waitReady(Process qemu, Map<String, Integer> ports, int timeoutSeconds, long t0, PrintWriter out)
            throws InterruptedException {
        Map<String, String> answered = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (answered.size() < ports.size()) {
            if (!qemu.isAlive() || System.nanoTime() > deadline) {
                List<String> missing = new ArrayList<>(ports.keySet());
                missing.removeAll(answered.keySet());
                out.printf(Locale.ROOT, "%nrun: not ready after %.1f s: no answer from %s%n", (System.nanoTime() - t0) / 1e9,
                        String.join(", ", missing));
                out.flush();
                return -1;
            }
            for (Map.Entry<String, Integer> e : ports.entrySet()) {
                if (!answered.containsKey(e.getKey())) {
                    String line = firstLine(e.getValue(), "ssh".equals(e.getKey()) ? null : "GET / HTTP/1.0\r\n\r\n");
                    if (line != null && ("ssh".equals(e.getKey()) ? line.startsWith("SSH-") : !line.isEmpty())) {
                        answered.put(e.getKey(), line);
                    }
                }
            }
            Thread.sleep(1000);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%nrun: ready %.1f s after the command started:", s);
        answered.forEach((name, line) -> out.printf(" %s on 127.0.0.1:%d (%s);", name, ports.get(name), line));
        out.println();
        out.flush();
        return s;
    }

    /** The first line 127.0.0.1:{@code port} sends (after {@code request}, if any), or null. */
    private static String firstLine(int port, String request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(3000);
            if (request != null) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            }
            InputStream in = s.getInputStream();
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n' && b.length() < 200; c = in.read()) {
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.length() == 0 ? null : b.toString();
        } catch (IOException e) {
            return null;
        }
    }
}
