package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** manifest.json's layout, which ContainerBuildTest (podman only) also reads: one entry a line, strings escaped as JSON. */
class ManifestJsonTest {

    @Test
    void oneKeyALineAndOneEntryALine() {
        var m = new Artifacts.Manifest("moducop-t", "moducop", "moducop-image",
                List.of(new LockFile.Entry("poky", "https://git.yoctoproject.org/poky", "scarthgap", "c0ffee"),
                        new LockFile.Entry("q\"uote", "back\\slash", "ünï", "/")),
                List.of(new Artifacts.FileEntry("a.wic", 1048576, "ab"), new Artifacts.FileEntry("a.wic.bmap", 0, "cd")));
        assertEquals("""
                {
                  "machine": "moducop-t",
                  "distro": "moducop",
                  "image": "moducop-image",
                  "layers": [
                    {"name": "poky", "url": "https://git.yoctoproject.org/poky", "branch": "scarthgap", "commit": "c0ffee"},
                    {"name": "q\\"uote", "url": "back\\\\slash", "branch": "ünï", "commit": "/"}
                  ],
                  "files": [
                    {"name": "a.wic", "size": 1048576, "sha256": "ab"},
                    {"name": "a.wic.bmap", "size": 0, "sha256": "cd"}
                  ]
                }
                """, Artifacts.toJson(m));
    }

    @Test
    void emptyListsKeepTheirLines() {
        assertEquals("{\n  \"machine\": \"m\",\n  \"distro\": \"d\",\n  \"image\": \"i\",\n  \"layers\": [\n  ],\n  \"files\": [\n  ]\n}\n",
                Artifacts.toJson(new Artifacts.Manifest("m", "d", "i", List.of(), List.of())));
    }
}
