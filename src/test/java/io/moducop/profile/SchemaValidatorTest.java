package io.moducop.profile;

import io.moducop.schema.SchemaValidator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

    @Test
    void aSchemaKeywordTheValidatorDoesNotImplementIsRefused() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("minProperties", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SchemaValidator(schema));
        assertTrue(e.getMessage().contains("minProperties"));
    }

    @Test
    void theShippedSchemaIsTheOneTheJarEnforces() throws Exception {
        String file = Files.readString(Path.of("profiles/profile.schema.json"));
        Map<String, Object> onDisk = new org.yaml.snakeyaml.Yaml().load(file); // JSON is YAML
        assertEquals(onDisk, ProfileLoader.schema().schema(), "the rules validate applies are the file in profiles/");
        assertEquals(file, io.moducop.Cli.run("schema").out());
    }

    @Test
    void everyPropertyIsDocumentedForEditors() {
        assertDescribed(ProfileLoader.schema().schema(), "");
    }

    @SuppressWarnings("unchecked")
    private static void assertDescribed(Map<String, Object> s, String path) {
        Map<String, Object> props = (Map<String, Object>) s.get("properties");
        if (props == null) {
            return;
        }
        props.forEach((k, v) -> {
            Map<String, Object> child = (Map<String, Object>) v;
            if (child.get("type") == null || !"object".equals(child.get("type"))) {
                assertTrue(child.containsKey("description") || child.containsKey("$ref"), path + "." + k + " has no description");
            }
            assertDescribed(child, path + "." + k);
        });
    }
}
