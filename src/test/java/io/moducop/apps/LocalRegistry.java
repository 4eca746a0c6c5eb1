package io.moducop.apps;

import io.moducop.HostTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1, storing into a test directory. */
final class LocalRegistry implements AutoCloseable {

    final Path data;
    final int port;
    private final Process process;

    LocalRegistry(Path dir) throws IOException, InterruptedException {
        HostTools.require("docker-registry", "docker-registry");
        HostTools.require("skopeo", "skopeo");
        data = dir.resolve("data");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = dir.resolve("config.yml");
        Files.writeString(cfg, "version: 0.1\nlog: { level: error }\nstorage:\n  filesystem: { rootdirectory: " + data + " }\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n");
        process = new ProcessBuilder("docker-registry", "serve", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException("docker-registry did not answer on 127.0.0.1:" + port + ": " + Files.readString(dir.resolve("registry.log")));
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes an OCI archive as {@code repo:tag}; returns the manifest digest the registry serves. */
    String push(Path ociArchive, String repoTag) {
        HostTools.Result r = HostTools.run(List.of("skopeo", "copy", "--dest-tls-verify=false", "oci-archive:" + ociArchive,
                "docker://" + host() + "/" + repoTag));
        if (r.exitCode() != 0) {
            throw new AssertionError("skopeo push: " + r.output());
        }
        HostTools.Result d = HostTools.run(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                "docker://" + host() + "/" + repoTag));
        return d.output().strip();
    }

    /** The registry's stored copy of a blob, to damage it. */
    Path blob(String digest) {
        String hex = digest.substring(7);
        return data.resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    @Override
    public void close() {
        process.destroy();
    }
}
