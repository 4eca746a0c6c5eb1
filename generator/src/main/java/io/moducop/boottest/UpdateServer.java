package io.moducop.boottest;

import io.moducop.util.Processes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An update server on the host: busybox httpd on 127.0.0.1 serving {@code dir}, with the HTTP range
 * requests RAUC's streaming reads a bundle with. A guest on {@link Qemu.Network#USER} reaches it, and
 * nothing else, as {@link #URL}: QEMU's guestfwd hands each connection to 10.0.2.100:80 to a
 * {@code busybox nc} to the server. Its log has a line per request and per response.
 */
final class UpdateServer implements AutoCloseable {

    /** Where the guest finds the server's files. */
    static final String URL = "http://10.0.2.100/";

    private final Process process;
    /** Ends the server when the JVM ends without closing it (Ctrl-C, a killed test run). */
    private final Thread hook;
    private final int port;
    private final Path log;
    private final String busybox;

    private UpdateServer(Process process, int port, Path log, String busybox) {
        this.process = process;
        this.hook = new Thread(process::destroy);
        Runtime.getRuntime().addShutdownHook(hook);
        this.port = port;
        this.log = log;
        this.busybox = busybox;
    }

    /** Serves {@code dir} until closed; {@code busybox} is the host's busybox, {@code log} its request log. */
    static UpdateServer start(String busybox, Path dir, Path log) throws IOException, InterruptedException {
        int port = Qemu.freePort();
        Process p = Processes.startLogged(List.of(busybox, "httpd", "-f", "-vv", "-p", "127.0.0.1:" + port,
                "-h", dir.toString()), log);
        for (int i = 0; i < 50; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new UpdateServer(p, port, log, busybox);
            } catch (IOException notYet) {
                if (!p.isAlive()) {
                    throw new IOException("busybox httpd on 127.0.0.1:" + port + " ended at once: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IOException("busybox httpd on 127.0.0.1:" + port + " did not accept connections within 5 s");
    }

    /** Removes a shutdown hook, unless the JVM is already shutting down (Ctrl-C), when the hook runs anyway. */
    static void unhook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook ends the process as the JVM goes
        }
    }

    /** The user network's forward of 10.0.2.100:80 to this server, one {@code busybox nc} per connection. */
    String guestfwd() {
        return "guestfwd=tcp:10.0.2.100:80-cmd:" + busybox + " nc 127.0.0.1 " + port;
    }

    /** The responses so far, one status code per request, in order. */
    List<String> responses() throws IOException {
        List<String> codes = new ArrayList<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int i = l.indexOf(": response:");
            if (i > 0) {
                codes.add(l.substring(i + ": response:".length()).trim());
            }
        }
        return codes;
    }

    @Override
    public void close() throws InterruptedException {
        unhook(hook);
        process.destroy();
        process.waitFor();
    }
}
