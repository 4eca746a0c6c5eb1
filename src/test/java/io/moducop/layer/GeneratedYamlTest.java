package io.moducop.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.HostTools;
import io.moducop.bitbake.BuildConfig;
import io.moducop.bitbake.BuildLayout;
import io.moducop.bitbake.BuildSettings;
import io.moducop.bitbake.KasFile;
import io.moducop.bitbake.LockFile;
import io.moducop.bitbake.LockFileIO;
import io.moducop.bitbake.RaucSigning;
import io.moducop.machine.MachineConfig;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML moducop writes for other programs (the device's compose.yaml, kas.yml, the lock file),
 * with names and values that a YAML reader could take for something other than text, read back
 * four ways: SnakeYAML, PyYAML (what podman-compose and kas use), and the implicit types of the
 * full YAML 1.1 (with y and n) and of YAML 1.2's core schema. Each must give the strings we meant.
 */
class GeneratedYamlTest {

    private static final String IMAGE = "docker.io/library/busybox@sha256:" + "0123456789abcdef".repeat(4);
    /** Lower-case: what the compose schema allows as a service or volume name. */
    private static final List<String> NAMES = List.of("yes", "on", "null", "true", "no", "off", "y", "n", "2024-01-01",
            "0x1f", "0o17", "1_000", "1e5", "012", "0b1");
    private static final String LONG = "long ".repeat(200).strip();
    /** Text values: every printable ASCII but $ is allowed in an environment value or a command word. */
    private static final List<String> VALUES = List.of("yes", "on", "No", "null", "~", "2024-01-01", "1:20", "0x1F", "0o17",
            ".inf", "1_000", "true", "'quote\"s", "#hash", "- dash", "key: colon", "  spaced  ", "", "012", "y", "=", "<<",
            "-.5", "@at", "`tick", "%pct", "!tag", "&anchor", "*alias", "|pipe", ">fold", "? q", "[a]", "{b}", "a, b",
            "back\\slash", "2001-12-14t21:59:43.10-05:00", "+12", "NaN", LONG);

    @TempDir
    Path tmp;

    @Test
    void composeNamesAndValuesReadBackAsTheStringsMeant() throws IOException {
        Map<String, Object> env = new LinkedHashMap<>();
        List<String> envNames = List.of("No", "ON", "NULL", "True", "Y", "n", "off", "yes", "null", "_1", "on", "FALSE", "y");
        for (int i = 0; i < VALUES.size(); i++) {
            env.put(i < envNames.size() ? envNames.get(i) : "V" + i, VALUES.get(i));
        }
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("image", IMAGE);
        first.put("entrypoint", "yes");
        first.put("command", VALUES);
        first.put("environment", env);
        first.put("ports", List.of("8080:80"));
        first.put("volumes", List.of("1.5:/data", "yes:/y", "null:/n", "0o17:/o", "2024-01-01:/d"));
        first.put("restart", "no");
        first.put("user", "y");
        first.put("working_dir", "/w");
        first.put("read_only", true);
        first.put("healthcheck", map("test", List.of("CMD", "true"), "interval", "30s", "retries", 3));
        Map<String, Object> services = new LinkedHashMap<>();
        services.put(NAMES.get(0), first);
        for (String n : NAMES.subList(1, NAMES.size())) {
            services.put(n, map("image", IMAGE, "command", "null", "user", n.equals("012") ? "012" : "null"));
        }
        services.put("web", map("image", IMAGE, "depends_on", NAMES));
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (String v : List.of("1.5", "yes", "null", "0o17", "2024-01-01")) {
            volumes.put(v, Map.of());
        }
        Map<String, Object> compose = map("services", services, "volumes", volumes);

        Files.createDirectories(tmp.resolve("apps/web"));
        Files.writeString(tmp.resolve("apps/web/compose.yaml"), json(compose)); // JSON is YAML, and every string in it is quoted
        Path profile = tmp.resolve("board.yaml");
        Files.writeString(profile, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
        String out = new String(new LayerGenerator().generate(List.of(ProfileLoader.load(profile)))
                .get("meta-moducop-distro/recipes-containers/moducop-apps/files/web/compose.yaml"), StandardCharsets.UTF_8);

        assertTrue(out.startsWith(LayerGenerator.HEADER + "\n# Application web: "), out);
        assertTrue(out.contains("\"" + LONG + "\"\n"), "a long value stays on one line:\n" + out);
        assertFalse(Pattern.compile("[&*]id[0-9]").matcher(out).find(), "the volumes' equal {} are written out, not aliased:\n" + out);
        assertReadsBack(compose, out);
    }

    @Test
    void kasYmlNamesAndValuesReadBackAsTheStringsMeant() throws IOException {
        List<LockFile.Entry> entries = List.of(
                new LockFile.Entry("null", "https://git.example.com/a", "2.18", "1234567890123456789012345678901234567890"),
                new LockFile.Entry("1.5", "https://git.example.com/b", "yes", "0123456789012345678901234567890123456789"),
                new LockFile.Entry("0o17", "git://git.example.com:9418/c", "1_000", "1234567890123456789012345678901234567e10"));
        List<MachineConfig.SourceLayer> repos = List.of(
                new MachineConfig.SourceLayer("null", "https://git.example.com/a", "2.18", List.of("yes", "1_000", "meta/on")),
                new MachineConfig.SourceLayer("1.5", "https://git.example.com/b", "yes", List.of()),
                new MachineConfig.SourceLayer("0o17", "git://git.example.com:9418/c", "1_000", List.of(".")));
        BuildSettings settings = new BuildSettings(null, null, 2, true);
        String out = KasFile.render("yes", new LockFile("x.lock.yaml", entries), repos, List.of("on", "moducop-image"),
                settings, true, true);

        Map<String, Object> env = new LinkedHashMap<>();
        for (String v : List.of("RAUC_KEY_FILE", "RAUC_CERT_FILE", RaucSigning.KEYRING_DIR_ENV)) {
            env.put(v, null);
        }
        Map<String, Object> layers = new LinkedHashMap<>();
        List.of("yes", "1_000", "meta/on").forEach(l -> layers.put(l, null));
        Map<String, Object> moducopLayers = new LinkedHashMap<>();
        LayerGenerator.LAYERS.forEach(l -> moducopLayers.put(l, null));
        Map<String, Object> kasRepos = new LinkedHashMap<>();
        kasRepos.put("null", map("url", "https://git.example.com/a", "branch", "2.18", "commit", entries.get(0).commit(), "layers", layers));
        kasRepos.put("1.5", map("url", "https://git.example.com/b", "branch", "yes", "commit", entries.get(1).commit(),
                "layers", map(".", "disabled")));
        kasRepos.put("0o17", map("url", "git://git.example.com:9418/c", "branch", "1_000", "commit", entries.get(2).commit()));
        kasRepos.put("moducop", map("path", "layers", "layers", moducopLayers));
        Map<String, Object> kas = map("header", map("version", KasFile.FORMAT), "machine", "yes", "distro", BuildConfig.DISTRO,
                "target", List.of("on", "moducop-image"), "env", env,
                "local_conf_header", map("moducop", BuildConfig.settings(settings)
                        + "\n# The applications' images moducop build exported beside this file.\n"
                        + "MODUCOP_APPS_OCI = \"${TOPDIR}/../" + BuildLayout.APPS_OCI + "\"\n"),
                "repos", kasRepos);

        assertTrue(out.startsWith("# Generated by `moducop build` for yes: the same build as a kas project.\n"
                + "# Run from this directory: kas build kas.yml (the generated layers are in ./layers).\n"), out);
        assertTrue(out.contains("\n# Paths of the bundle signing key and certificate"), out);
        assertReadsBack(kas, out);
    }

    @Test
    void lockFileNamesAndValuesReadBackAsTheStringsMeant() throws IOException {
        List<LockFile.Entry> entries = List.of(
                new LockFile.Entry("null", "https://git.example.com/a", "2.18", "1234567890123456789012345678901234567890"),
                new LockFile.Entry("1.5", "https://git.example.com/b", "yes", "0123456789012345678901234567890123456789"),
                new LockFile.Entry("0x1f", "file:///srv/c", "1_000", "1234567890123456789012345678901234567e10"),
                new LockFile.Entry("y", "git://git.example.com:9418/d", "On", "00000000000000000000000000000000000000e1"));
        Path file = tmp.resolve("yes.lock.yaml");
        LockFileIO.write(file, "yes", new LockFile(file.getFileName().toString(), entries));
        String out = Files.readString(file);

        assertTrue(out.startsWith("# Written by `moducop lock` for yes: "), out); // no lock.schema.json near tmp
        List<Object> repos = new ArrayList<>();
        for (LockFile.Entry e : entries) {
            repos.add(map("name", e.name(), "url", e.url(), "branch", e.branch(), "commit", e.commit()));
        }
        assertReadsBack(map("version", 1, "profile", "yes", "repos", repos), out);
        LockFile back = LockFileIO.read(file);
        assertEquals(entries.stream().map(e -> List.of(e.name(), e.url(), e.branch(), e.commit())).toList(),
                back.repos().stream().map(e -> List.of(e.name(), e.url(), e.branch(), e.commit())).toList());
    }

    /** The four readers each give {@code expected}, keys in order, strings as strings. */
    private void assertReadsBack(Map<String, Object> expected, String yaml) throws IOException {
        String want = String.join("\n", flatten(expected));
        assertEquals(want, String.join("\n", flatten((Object) new Yaml().load(yaml))), "SnakeYAML:\n" + yaml);
        assertEquals(want, String.join("\n", flatten(compose(yaml, new Yaml11()))), "YAML 1.1 types:\n" + yaml);
        assertEquals(want, String.join("\n", flatten(compose(yaml, new Yaml12Core()))), "YAML 1.2 core types:\n" + yaml);
        assertEquals(want, pyyaml(yaml), "PyYAML:\n" + yaml);
    }

    /** One line per scalar: the path of typed keys, then the typed value. */
    private static List<String> flatten(Object tree) {
        List<String> out = new ArrayList<>();
        flatten(tree, "", out);
        return out;
    }

    private static void flatten(Object x, String path, List<String> out) {
        if (x instanceof Map<?, ?> m) {
            out.add(path + " {}");
            m.forEach((k, v) -> flatten(v, path + "/" + typed(k), out));
        } else if (x instanceof List<?> l) {
            out.add(path + " []");
            for (int i = 0; i < l.size(); i++) {
                flatten(l.get(i), path + "/" + i, out);
            }
        } else if (x instanceof Node n) {
            flattenNode(n, path, out);
        } else {
            out.add(path + " = " + typed(x));
        }
    }

    private static void flattenNode(Node n, String path, List<String> out) {
        if (n instanceof MappingNode m) {
            out.add(path + " {}");
            for (NodeTuple t : m.getValue()) {
                flattenNode(t.getValueNode(), path + "/" + typed(t.getKeyNode()), out);
            }
        } else if (n instanceof SequenceNode s) {
            out.add(path + " []");
            for (int i = 0; i < s.getValue().size(); i++) {
                flattenNode(s.getValue().get(i), path + "/" + i, out);
            }
        } else {
            out.add(path + " = " + typed(n));
        }
    }

    /** The same spelling as the Python side: str:, int:, bool:, null:, else the type's name. */
    private static String typed(Object x) {
        if (x instanceof ScalarNode s) {
            Tag t = s.getTag();
            return t.equals(Tag.NULL) ? "null:" : t.equals(Tag.STR) ? "str:" + s.getValue() : t.equals(Tag.INT) ? "int:" + s.getValue()
                    : t.equals(Tag.BOOL) ? "bool:" + s.getValue() : t.getValue() + ":" + s.getValue();
        }
        if (x == null) {
            return "null:";
        }
        if (x instanceof String s) {
            return "str:" + s;
        }
        if (x instanceof Integer || x instanceof Long) {
            return "int:" + x;
        }
        if (x instanceof Boolean) {
            return "bool:" + x;
        }
        return x.getClass().getSimpleName() + ":" + x;
    }

    private static Node compose(String yaml, Resolver resolver) {
        LoaderOptions options = new LoaderOptions();
        return new Composer(new ParserImpl(new StreamReader(new StringReader(yaml)), options), resolver, options).getSingleNode();
    }

    /** YAML 1.1's implicit types in full: SnakeYAML's, plus y and n as booleans and = as the value key. */
    private static final class Yaml11 extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile(
                    "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"), null);
            addImplicitResolver(Tag.INT, INT, null);
            addImplicitResolver(Tag.FLOAT, FLOAT, null);
            addImplicitResolver(Tag.MERGE, MERGE, null);
            addImplicitResolver(Tag.NULL, NULL, null);
            addImplicitResolver(Tag.NULL, EMPTY, null);
            addImplicitResolver(Tag.TIMESTAMP, TIMESTAMP, null);
            addImplicitResolver(new Tag("tag:yaml.org,2002:value"), VALUE, null);
        }
    }

    /** YAML 1.2's core schema (10.3.2): what a 1.2 reader such as ruamel.yaml or go-yaml v3 resolves. */
    private static final class Yaml12Core extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:null|Null|NULL|~|)$"), null);
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), null);
            addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), null);
            addImplicitResolver(Tag.FLOAT, Pattern.compile(
                    "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"), null);
        }
    }

    /** PyYAML's safe_load, flattened the same way. */
    private String pyyaml(String yaml) throws IOException {
        HostTools.require("python3", "python3");
        if (HostTools.run(List.of("python3", "-c", "import yaml")).exitCode() != 0) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("python3-yaml is not installed; .ci/run installs it");
            }
            org.junit.jupiter.api.Assumptions.abort("SKIPPED: python3-yaml is not installed (apt-get install python3-yaml)");
        }
        Path file = Files.writeString(tmp.resolve("read-back.yaml"), yaml);
        HostTools.Result r = HostTools.run(List.of("python3", "-c", """
                import sys, yaml
                def typed(x):
                    if isinstance(x, bool): return 'bool:' + ('true' if x else 'false')
                    if isinstance(x, int): return 'int:%d' % x
                    if x is None: return 'null:'
                    if isinstance(x, str): return 'str:' + x
                    return type(x).__name__ + ':' + str(x)
                def walk(x, path, out):
                    if isinstance(x, dict):
                        out.append(path + ' {}')
                        for k, v in x.items(): walk(v, path + '/' + typed(k), out)
                    elif isinstance(x, list):
                        out.append(path + ' []')
                        for i, v in enumerate(x): walk(v, path + '/' + str(i), out)
                    else:
                        out.append(path + ' = ' + typed(x))
                out = []
                walk(yaml.safe_load(open(sys.argv[1])), '', out)
                sys.stdout.write('\\n'.join(out))
                """, file.toString()));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String json(Object x) {
        if (x instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(json(k) + ": " + json(v)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (x instanceof List<?> l) {
            return "[" + String.join(", ", l.stream().map(GeneratedYamlTest::json).toList()) + "]";
        }
        if (x instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(x);
    }
}
