package io.moducop.bitbake;

import io.moducop.UserError;
import java.util.regex.Pattern;

/**
 * What goes into local.conf besides MACHINE and DISTRO. Every string is checked against a strict
 * pattern before it can reach a conf file: no quotes, no {@code ${@...}}, no newlines.
 *
 * @param sstateMirror base URL of a shared sstate mirror (SSTATE_MIRRORS), or null
 * @param hashServer   a shared hash equivalence server {@code host:port} / {@code ws(s)://...} (BB_HASHSERVE), or null
 * @param threads      BB_NUMBER_THREADS and PARALLEL_MAKE -j
 * @param offline      BB_NO_NETWORK, no uninative download, no connectivity check
 */
public record BuildSettings(String sstateMirror, String hashServer, int threads, boolean offline) {

    /** Checked before any pattern runs. */
    private static final int MAX = 512;
    private static final Pattern MIRROR = Pattern.compile("^(https?|file)://[A-Za-z0-9._~:/@%+-]+$");
    private static final Pattern HASHSERV = Pattern.compile("^([A-Za-z0-9.-]+:[0-9]{1,5}|wss?://[A-Za-z0-9._~:/@%+-]+|unix://[A-Za-z0-9._/-]+)$");

    public BuildSettings {
        if (sstateMirror != null && (sstateMirror.length() > MAX || !MIRROR.matcher(sstateMirror).matches())) {
            throw UserError.of("--sstate-mirror " + sstateMirror, "not an http(s):// or file:// URL of at most 512 safe characters",
                    "e.g. --sstate-mirror https://sstate.example.com/scarthgap");
        }
        if (hashServer != null && (hashServer.length() > MAX || !HASHSERV.matcher(hashServer).matches())) {
            throw UserError.of("--hashserv " + hashServer, "expected HOST:PORT, ws(s)://... or unix://PATH, at most 512 characters",
                    "e.g. --hashserv hashserv.example.com:8686");
        }
        if (threads < 1 || threads > 512) {
            throw UserError.of("--jobs " + threads, "must be from 1 to 512", null);
        }
    }

    /** The hash server is on this machine's loopback: the build container must share the host's network to reach it. */
    public boolean onLoopback() {
        return hashServer != null && (hashServer.startsWith("127.") || hashServer.startsWith("localhost:")
                || hashServer.matches("wss?://(127\\.[0-9.]+|localhost)(:[0-9]+)?(/.*)?"));
    }
}
