package io.moducop.boottest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.HostTools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's update server answers the range requests RAUC's streaming makes, and only on 127.0.0.1. */
class UpdateServerTest {

    @Test
    void servesByteRangesOnLoopbackAndLogsEachResponse(@TempDir Path dir) throws Exception {
        HostTools.require("busybox", "busybox");
        byte[] bundle = new byte[200_000];
        new Random(7).nextBytes(bundle);
        Path served = Files.createDirectory(dir.resolve("served"));
        Files.write(served.resolve("apps.raucb"), bundle);
        try (UpdateServer server = UpdateServer.start("busybox", served, dir.resolve("server.log"))) {
            String fwd = server.guestfwd();
            assertTrue(fwd.matches("guestfwd=tcp:10\\.0\\.2\\.100:80-cmd:busybox nc 127\\.0\\.0\\.1 [0-9]{1,5}"), fwd);
            String port = fwd.substring(fwd.lastIndexOf(' ') + 1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/apps.raucb"))
                    .header("Range", "bytes=4096-8191").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertEquals("bytes 4096-8191/200000", part.headers().firstValue("Content-Range").orElse(""));
            assertArrayEquals(Arrays.copyOfRange(bundle, 4096, 8192), part.body());
            HttpResponse<byte[]> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/other.raucb"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(404, missing.statusCode());
            // busybox writes its log line after the response; give it a moment
            for (int i = 0; i < 50 && server.responses().size() < 2; i++) {
                Thread.sleep(100);
            }
            assertEquals(List.of("206", "404"), server.responses());
        }
    }
}
