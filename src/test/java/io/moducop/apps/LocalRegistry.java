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
public final class LocalRegistry implements AutoCloseable {

    final Path data;
    final int port;
    private final Process process;

    public LocalRegistry(Path dir) throws IOException, InterruptedException {
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

    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes an OCI archive as {@code repo:tag}; returns the manifest digest the registry serves. */
    public String push(Path ociArchive, String repoTag) {
        HostTools.Result r = HostTools.run(List.of("skopeo", "copy", "--dest-tls-verify=false", "oci-archive:" + ociArchive,
                "docker://" + host() + "/" + repoTag));
        if (r.exitCode() != 0) {
            throw new AssertionError("skopeo push: " + r.output());
        }
        HostTools.Result d = HostTools.run(List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                "docker://" + host() + "/" + repoTag));
        return d.output().strip();
    }

    /**
     * boot-test's arm64 image FROM scratch (busybox-static: httpd serving /www/index.html, wget,
     * sh), built reproducibly on the host by make-oci.sh into {@code dir}.
     */
    public static Path busyboxArchive(Path dir) throws IOException {
        return busyboxArchive(dir, "busybox.tar", "hello from the web service");
    }

    /** The same image with {@code page} as /www/index.html: one version of an application per page. */
    public static Path busyboxArchive(Path dir, String fileName, String page) throws IOException {
        Path cache = Path.of(System.getenv().getOrDefault("MODUCOP_BOOT_TEST_CACHE",
                System.getProperty("user.home") + "/.cache/moducop/boot-test"));
        io.moducop.boottest.HostAssets assets = io.moducop.boottest.HostAssets.prepare(cache);
        Path deb;
        try (java.util.stream.Stream<Path> s = Files.list(assets.cache().resolve("debs"))) {
            deb = s.filter(f -> f.getFileName().toString().startsWith("busybox-static_")).findFirst().orElseThrow();
        }
        Path script = dir.resolve("make-oci.sh");
        try (java.io.InputStream in = LocalRegistry.class.getClassLoader().getResourceAsStream("boottest/system/make-oci.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Path archive = dir.resolve(fileName);
        HostTools.Result r = HostTools.run(List.of("bash", script.toString(), deb.toString(), archive.toString(), "busybox:1", page));
        if (r.exitCode() != 0) {
            throw new AssertionError("make-oci.sh: " + r.output());
        }
        return archive;
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
