package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example profile's generated layers, byte for byte, against src/test/resources/golden/.
 * After an intended change: {@code mvn test -Dtest=GoldenFilesTest -Dgolden.update=true}, then
 * review the diff of the golden files like any other change.
 */
class GoldenFilesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"qemuarm64", "beaglebone-yocto", "raspberrypi4-64", "genericx86-64", "scarthgap/qemuarm64"})
    void generatedLayersMatchTheGoldenFiles(String profile) throws IOException {
        SortedMap<String, byte[]> files = new LayerGenerator().generate(
                List.of(ProfileLoader.load(Path.of("profiles", profile + ".yaml"))));
        Path dir = GOLDEN.resolve(profile);
        if (Boolean.getBoolean("golden.update")) {
            update(dir, files);
        }
        SortedMap<String, String> expected = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                expected.put(dir.relativize(p).toString(), Files.readString(p));
            }
        }
        SortedMap<String, String> actual = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            actual.put(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8));
        }
        assertEquals(expected.keySet(), actual.keySet(), "generated file names");
        for (String name : expected.keySet()) {
            assertEquals(expected.get(name), actual.get(name), name);
        }
    }

    private static void update(Path dir, SortedMap<String, byte[]> files) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()).getParent());
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
