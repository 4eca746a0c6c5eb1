package io.moducop.boottest;

import io.moducop.util.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The power cycles of every board ({@link Board}): one QEMU machine run, its console read line by line as it comes. */
final class Qemu {

    /** The console of one power cycle. QEMU exits on U-Boot reset, Linux poweroff or panic. */
    record Boot(String console, double seconds, boolean timedOut, List<Double> lineSeconds, boolean pulled) {
        Boot(String console, double seconds, boolean timedOut) {
            this(console, seconds, timedOut, List.of(), timedOut);
        }

        /** The board ended the power cycle itself (reset, reboot, poweroff), not the harness. */
        boolean endedByBoard() {
            return !pulled;
        }

        /** Seconds after QEMU started at which the first line containing {@code fragment} came, or -1. */
        double secondsAt(String fragment) {
            List<String> lines = console.lines().toList();
            for (int i = 0; i < lines.size() && i < lineSeconds.size(); i++) {
                if (lines.get(i).contains(fragment)) {
                    return lineSeconds.get(i);
                }
            }
            return -1;
        }
    }

    /** Work the harness does from the host while the board is up (e.g. log in over SSH). */
    @FunctionalInterface
    interface WhileUp {
        void run() throws IOException, InterruptedException;
    }

    /**
     * How a --system power cycle ends early: a console line that settles it (the plug is pulled
     * {@code delayAfterLine} seconds after it, unless the board ends the cycle itself first), or
     * the harness pulling the plug; {@code whileUp} runs once a line contains {@code upLine}, and
     * the plug is pulled when it returns.
     */
    record Stop(java.util.function.Predicate<String> onLine, double killAfterSeconds, double delayAfterLine,
                String upLine, WhileUp whileUp) {
        Stop(java.util.function.Predicate<String> onLine, double killAfterSeconds) {
            this(onLine, killAfterSeconds, 0);
        }

        Stop(java.util.function.Predicate<String> onLine, double killAfterSeconds, double delayAfterLine) {
            this(onLine, killAfterSeconds, delayAfterLine, null, null);
        }

        /** The same, ending also on a line that {@code more} accepts. */
        Stop orOnLine(java.util.function.Predicate<String> more) {
            return new Stop(onLine.or(more), killAfterSeconds, delayAfterLine, upLine, whileUp);
        }

        /** The same, and {@code whileUp} once a line contains {@code fragment}. */
        Stop whileUp(String fragment, WhileUp work) {
            return new Stop(onLine, killAfterSeconds, delayAfterLine, fragment, work);
        }

        static Stop never() {
            return new Stop(l -> false, -1);
        }

        /** Pull the plug {@code delay} seconds after the first line containing {@code fragment}. */
        static Stop after(String fragment, double delay) {
            return new Stop(l -> l.contains(fragment), -1, delay);
        }
    }

    /** What the board's Ethernet port is plugged into. */
    enum Network {
        /**
         * QEMU's user network with restrict=on: a DHCP server answers, the guest reaches nothing else; SSH forwarded,
         * and an {@link UpdateServer} where the scenario has one.
         */
        USER,
        /** No network card: no link ever comes up (a device with its cable unplugged). */
        NONE,
        /** A card on a hub with no other port: the link is up and nobody answers DHCP. */
        NO_DHCP;

        /** {@code server} may be null (none); only the user network reaches it. */
        List<String> qemuArgs(int sshPort, UpdateServer server) {
            return qemuArgs(sshPort, server, List.of());
        }

        /** As {@link #qemuArgs(int, UpdateServer)}, with each of {@code ports} forwarded from 127.0.0.1 to the same guest port. */
        List<String> qemuArgs(int sshPort, UpdateServer server, List<Integer> ports) {
            StringBuilder user = new StringBuilder("user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22");
            ports.forEach(p -> user.append(",hostfwd=tcp:127.0.0.1:").append(p).append("-:").append(p));
            if (server != null) {
                user.append(',').append(server.guestfwd());
            }
            return switch (this) {
                case USER -> List.of("-netdev", user.toString(), "-device", "virtio-net-device,netdev=n0");
                case NONE -> List.of();
                case NO_DHCP -> List.of("-netdev", "hubport,id=n0,hubid=0", "-device", "virtio-net-device,netdev=n0");
            };
        }
    }

    /**
     * The one console runner of every board: starts {@code cmd} (a QEMU machine whose console is
     * its stdout), keeps each console line with the seconds after the start at which it came (and
     * writes it to {@code log} as it comes, unless null), and ends the power cycle as {@code stop}
     * says or after {@code timeoutSeconds}. A boot still running then has timed out.
     */
    static Boot run(List<String> cmd, int timeoutSeconds, Stop stop, Path log) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = Processes.start(cmd);
        StringBuffer console = new StringBuffer();
        List<Double> times = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean pulled = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Thread> upWork = new java.util.concurrent.atomic.AtomicReference<>();
        Runnable pull = () -> {
            if (p.isAlive()) {
                pulled.set(true);
                p.destroyForcibly();
            }
        };
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 var out = log == null ? null : java.nio.file.Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    line = line.replace("\r", "");
                    console.append(line).append('\n');
                    times.add((System.nanoTime() - start) / 1e9);
                    if (out != null) {
                        out.write(line);
                        out.write('\n');
                        out.flush();
                    }
                    if (stop.whileUp() != null && upWork.get() == null && line.contains(stop.upLine())) {
                        Thread t = new Thread(() -> {
                            try {
                                stop.whileUp().run();
                            } catch (IOException e) {
                                console.append("BOOTTEST-HOST: ").append(e.getMessage()).append('\n');
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                pull.run();
                            }
                        });
                        t.setDaemon(true);
                        upWork.set(t);
                        t.start();
                    }
                    if (!stopped.get() && stop.onLine().test(line)) {
                        stopped.set(true);
                        if (stop.delayAfterLine() > 0) {
                            Thread killer = new Thread(() -> {
                                try {
                                    Thread.sleep((long) (stop.delayAfterLine() * 1000));
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                pull.run();
                            });
                            killer.setDaemon(true);
                            killer.start();
                        } else {
                            pull.run();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed; what was read so far is kept
            }
        });
        reader.start();
        double limit = stop.killAfterSeconds() >= 0 ? Math.min(stop.killAfterSeconds(), timeoutSeconds) : timeoutSeconds;
        boolean exited = p.waitFor((long) (limit * 1000), TimeUnit.MILLISECONDS);
        boolean timedOut = false;
        if (!exited) {
            timedOut = stop.killAfterSeconds() < 0 || stop.killAfterSeconds() > timeoutSeconds;
            pull.run();
            p.waitFor();
        }
        reader.join(5000);
        Thread t = upWork.get();
        if (t != null) {
            t.join(5000);
        }
        return new Boot(console.toString(), (System.nanoTime() - start) / 1e9, timedOut, List.copyOf(times), pulled.get());
    }

    /** A free TCP port on 127.0.0.1 for the SSH forward. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
