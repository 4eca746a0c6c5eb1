package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Container output is the profile's: a line without end is handed over in bounded pieces. */
class LineSplitterTest {

    @Test
    void outputWithoutNewlineIsSplitIntoBoundedPieces() {
        List<String> lines = new ArrayList<>();
        ContainerBuild.LineSplitter splitter = new ContainerBuild.LineSplitter(lines::add);
        byte[] chunk = new byte[1024 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        for (int i = 0; i < 4; i++) {
            splitter.accept(chunk);
            assertTrue(lines.size() >= (i + 1) * 15, "after " + (i + 1) + " MiB only " + lines.size() + " lines handed over");
        }
        splitter.accept("tail\nnext\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        splitter.flush();

        for (String l : lines) {
            assertTrue(l.length() <= ContainerBuild.LineSplitter.MAX_LINE, "a piece of " + l.length() + " bytes");
        }
        assertEquals(4L * 1024 * 1024 + 4, lines.subList(0, lines.size() - 1).stream().mapToLong(String::length).sum());
        assertTrue(lines.get(lines.size() - 2).endsWith("tail"), lines.get(lines.size() - 2));
        assertEquals("next", lines.get(lines.size() - 1));
    }
}
