package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.moducop.machine.MachineConfigs;
import io.moducop.util.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kas.yml against kas's own published JSON schema (kas/schema-kas.json of a kas release that
 * knows format {@link KasFile#FORMAT}), validated by python3-jsonschema. The schema is not part
 * of this repository: MODUCOP_KAS_SCHEMA names the file, otherwise the test is skipped and says so.
 */
class KasSchemaTest {

    @TempDir
    Path tmp;

    @Test
    void kasYmlIsValidForTheFormatItDeclares() throws Exception {
        String schema = System.getenv("MODUCOP_KAS_SCHEMA");
        assumeTrue(schema != null && Files.isRegularFile(Path.of(schema)),
                "SKIPPED: set MODUCOP_KAS_SCHEMA to kas's schema-kas.json (kas >= 4.0) to check kas.yml against it");
        var layers = MachineConfigs.load("qemuarm64").layers(io.moducop.machine.Release.SCARTHGAP);
        String c = "0123456789abcdef0123456789abcdef01234567";
        LockFile lock = LockFileIO.parse("q.lock.yaml", GitRepos.lockYaml(
                "poky", "https://git.yoctoproject.org/poky", "scarthgap", c,
                "meta-openembedded", "https://git.openembedded.org/meta-openembedded", "scarthgap", c,
                "meta-virtualization", "https://git.yoctoproject.org/meta-virtualization", "scarthgap", c));
        for (boolean rauc : List.of(true, false)) {
            Path kas = tmp.resolve("kas-" + rauc + ".yml");
            Files.writeString(kas, KasFile.render("moducop-qemuarm64", lock, layers, List.of("moducop-image"),
                    new BuildSettings("https://sstate.example.com/x", "hashserv.example.com:8686", 2, true), rauc, rauc));
            Processes.Result r = Processes.run(List.of("/usr/bin/python3", "-c", """
                    import json, sys, yaml, jsonschema
                    schema = json.load(open(sys.argv[1]))
                    config = yaml.safe_load(open(sys.argv[2]))
                    jsonschema.validate(config, schema)
                    top = schema['properties']['header']['properties']['version']['anyOf'][1]['maximum']
                    assert config['header']['version'] <= top, 'format %d is newer than this kas (%d)' % (config['header']['version'], top)
                    print('valid')
                    """, schema, kas.toString()));
            assertEquals("valid", r.output().strip(), r.output());
        }
    }
}
