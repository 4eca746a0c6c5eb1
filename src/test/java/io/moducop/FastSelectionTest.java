package io.moducop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./run-tests --fast} (Maven profile {@code fast}) leaves out the tests that boot something
 * by their JUnit tags: a test class that starts a QEMU guest or builds in the container engine
 * must carry the tag, or the edit loop would boot it.
 */
class FastSelectionTest {

    private static final Pattern EXCLUDED = Pattern.compile("<excludedGroups>([^<]*)</excludedGroups>");

    @Test
    void theFastProfileLeavesOutQemuContainerAndYoctoAndNothingElseIsLeftOut() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = EXCLUDED.matcher(pom);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(List.of("qemu,container,yocto"), found, "one excludedGroups, in the fast profile");
        int profile = pom.indexOf("<id>fast</id>");
        assertTrue(profile > 0 && pom.indexOf("<excludedGroups>") > profile, "excludedGroups belongs to the fast profile only");
    }

    @Test
    void everyTestClassThatBootsAGuestOrUsesTheContainerEngineIsTagged() throws IOException {
        List<String> untagged = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("FastSelectionTest.java")).sorted().toList()) {
                String text = Files.readString(f);
                if (text.contains("HostTools.require(\"qemu-system-") && !text.contains("@Tag(\"qemu\")")) {
                    untagged.add(f + ": boots QEMU, needs @Tag(\"qemu\")");
                }
                if (text.contains("ContainerEngine.require()") && !text.contains("@Tag(\"container\")")) {
                    untagged.add(f + ": uses the container engine, needs @Tag(\"container\")");
                }
            }
        }
        assertEquals(List.of(), untagged);
    }
}
