package io.moducop.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * boot-test's guest takes from the release what the release decides: base-files' links come from the
 * release file (made from bitbake -e), not from the userland script, and the userland carries the
 * Debian packages of the systemd parts the release's systemd is built with.
 */
class GuestUserlandTest {

    /** systemd PACKAGECONFIG options whose units Debian ships in a package of their own. */
    private static final Map<String, String> DEBIAN_PACKAGE = Map.of(
            "resolved", "systemd-resolved", "timesyncd", "systemd-timesyncd");

    @ParameterizedTest
    @EnumSource(Release.class)
    void volatileLinksComeFromTheReleaseFile(Release release) throws IOException {
        Map<String, String> links = release.facts().links().stream()
                .collect(Collectors.toMap(ReleaseFacts.Link::path, ReleaseFacts.Link::target));
        assertEquals("volatile/log", links.get("/var/log"), release + ": " + links);
        assertEquals("volatile/tmp", links.get("/var/tmp"), release + ": " + links);
        assertFalse(script().matches("(?s).*\\bln\\s+-s\\S*\\s+volatile/.*"), "prepare-system.sh makes base-files' links itself");
    }

    @ParameterizedTest
    @EnumSource(Release.class)
    void userlandHasThePackagesOfTheReleasesSystemdOptions(Release release) throws IOException {
        Matcher m = Pattern.compile("(?s)\\nPACKAGES=\"([^\"]*)\"").matcher(script());
        assertTrue(m.find(), "PACKAGES in prepare-system.sh");
        Set<String> packages = Set.copyOf(Arrays.asList(m.group(1).trim().split("\\s+")));
        List<String> options = release.facts().systemdPackageconfig();
        DEBIAN_PACKAGE.forEach((option, pkg) -> assertEquals(options.contains(option), packages.contains(pkg),
                release + ": systemd PACKAGECONFIG " + option + " " + (options.contains(option) ? "on" : "off")
                        + ", userland package " + pkg + " " + (packages.contains(pkg) ? "in" : "missing")));
    }

    private static String script() throws IOException {
        try (InputStream in = GuestUserlandTest.class.getClassLoader().getResourceAsStream("boottest/prepare-system.sh")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
