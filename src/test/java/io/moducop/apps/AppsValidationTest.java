package io.moducop.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moducop.Cli;
import io.moducop.Diagnostic;
import io.moducop.UserError;
import io.moducop.profile.Profile;
import io.moducop.profile.ProfileLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The apps section of a profile and the compose files it names: what is accepted, and where each refusal points. */
public class AppsValidationTest {

    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    public static final String WEB = """
            services:
              web:
                image: 127.0.0.1:5000/moducop/httpd:1@%1$s
                command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
                ports: ["8080:8080"]
                volumes: ["content:/www"]
                depends_on: [cache]
                environment: { LOG_LEVEL: info }
                restart: always
                healthcheck:
                  test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]
                  interval: 10s
                  retries: 3
              cache:
                image: docker.io/library/busybox@%1$s
                command: sleep 3600
                environment: ["MODE=cache", "SIZE=64"]
            volumes:
              content:
            """.formatted(DIGEST);

    @TempDir
    Path tmp;

    private static Diagnostic only(String compose) {
        UserError e = assertThrows(UserError.class, () -> ComposeLoader.parse("compose.yaml", compose));
        assertEquals(1, e.diagnostics().size(), () -> "expected one diagnostic, got " + e.diagnostics());
        return e.diagnostics().get(0);
    }

    private Path profileWithApp(String compose) throws IOException {
        Files.createDirectories(tmp.resolve("apps/web"));
        Files.writeString(tmp.resolve("apps/web/compose.yaml"), compose);
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n");
        return p;
    }

    @Test
    void aTwoServiceApplicationBecomesTheTypedModel() throws IOException {
        Profile p = ProfileLoader.load(profileWithApp(WEB));
        assertEquals(1, p.apps().size());
        App app = p.apps().get(0);
        assertEquals("web", app.name());
        ComposeFile c = app.compose();
        assertEquals(List.of("web", "cache"), c.services().stream().map(ComposeFile.Service::name).toList());
        assertEquals(List.of("content"), c.volumes());
        ComposeFile.Service web = c.services().get(0);
        assertEquals(new ImageRef("127.0.0.1:5000", "moducop/httpd", "1", DIGEST), web.image());
        assertEquals("127.0.0.1:5000/moducop/httpd:1@" + DIGEST, web.image().reference());
        assertEquals(new ComposeFile.Argv(List.of("httpd", "-f", "-p", "8080", "-h", "/www"), false), web.command());
        assertEquals(Map.of("LOG_LEVEL", "info"), web.environment());
        assertEquals("always", web.restart());
        assertEquals(3, web.healthcheck().retries());
        ComposeFile.Service cache = c.services().get(1);
        assertEquals(new ImageRef("docker.io", "library/busybox", null, DIGEST), cache.image());
        assertEquals(new ComposeFile.Argv(List.of("sleep 3600"), true), cache.command());
        assertEquals(Map.of("MODE", "cache", "SIZE", "64"), cache.environment());
        assertEquals(2, c.images().size());
    }

    @Test
    void aProfileWithoutAppsHasNone() {
        assertEquals(List.of(), ProfileLoader.loadDefault().apps());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "busybox",                                          // no tag, no digest
        "busybox:1.36",                                     // a tag moves
        "busybox@sha256:0123",                              // digest too short
        "busybox@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Busybox@" + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", // upper case
        "busybox;reboot@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "../busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void anImageNotPinnedByDigestIsRefusedWhereItStands(String image) {
        Diagnostic d = only("services:\n  web:\n    image: \"" + image + "\"\n");
        assertEquals(3, d.line());
        assertEquals(12, d.column());
        assertTrue(d.message().startsWith("services.web.image "), d.message());
        assertTrue(d.hint().contains("pinned by digest"), d.hint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"build: .", "privileged: true", "network_mode: host", "cap_add: [SYS_ADMIN]", "devices: [/dev/mem]",
        "pid: host", "extends: { file: x.yaml, service: y }", "env_file: secrets.env"})
    void anUnsupportedComposeFeatureIsRefusedNotIgnored(String line) {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    " + line + "\n");
        assertEquals(4, d.line());
        assertEquals(5, d.column());
        assertTrue(d.message().startsWith("unknown key '"), d.message());
        assertTrue(d.message().endsWith("' in services.web"), d.message());
    }

    @Test
    void anImageMustNameItsRegistry() {
        Diagnostic d = only("services:\n  web:\n    image: busybox@" + DIGEST + "\n");
        assertEquals("compose.yaml:3:12: image busybox@" + DIGEST + " names no registry", d.format().lines().findFirst().orElseThrow());
        assertTrue(d.hint().contains("docker.io/library/busybox@"), d.hint());
    }

    @Test
    void aTopLevelFeatureOtherThanServicesAndVolumesIsRefused() {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\nnetworks:\n  outside: { external: true }\n");
        assertEquals("compose.yaml:4:1: unknown key 'networks'", d.format().lines().findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "command: \"sh -c 'echo $HOME'\"",          // compose would expand $HOME from the device's environment
        "command: \"a\\nb\"",                       // a line break in the value
        "environment: { PATH: \"/bin\\u202e\" }",   // an invisible bidi override
        "environment: [\"A=1\\u0000\"]",            // NUL
        "user: \"root; reboot\"",
        "working_dir: /tmp/../etc",
    })
    void aHostileStringIsRefusedWhereItStands(String line) {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    " + line + "\n");
        assertEquals(4, d.line(), d.format());
        assertTrue(d.column() >= 5, d.format());
    }

    @Test
    void aHostileServiceNameIsRefused() {
        Diagnostic d = only("services:\n  \"web;reboot\":\n    image: docker.io/library/busybox@" + DIGEST + "\n");
        assertEquals("compose.yaml:2:3: the name \"web;reboot\" in services is not valid", d.format().lines().findFirst().orElseThrow());
    }

    @Test
    void aHostPathCannotBeMounted() {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    volumes: [\"/etc:/host-etc\"]\n");
        assertEquals(4, d.line());
        assertTrue(d.hint().contains("Host paths cannot be mounted"), d.hint());
    }

    @Test
    void aVolumeMustBeDeclared() {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    volumes: [\"data:/data\"]\n");
        assertEquals("compose.yaml:4:15: volume 'data' is not declared under the top-level volumes", d.format().lines().findFirst().orElseThrow());
    }

    @Test
    void dependenciesMustExistAndNotGoRoundInACircle() {
        Diagnostic unknown = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    depends_on: [db]\n");
        assertEquals("compose.yaml:4:18: no service named 'db'", unknown.format().lines().findFirst().orElseThrow());
        Diagnostic circle = only("services:\n  a:\n    image: docker.io/library/busybox@" + DIGEST + "\n    depends_on: [b]\n"
                + "  b:\n    image: docker.io/library/busybox@" + DIGEST + "\n    depends_on: [a]\n");
        assertTrue(circle.message().startsWith("depends_on goes round in a circle: "), circle.message());
    }

    @Test
    void portsAreInRange() {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    ports: [\"80:70000\"]\n");
        assertEquals("compose.yaml:4:13: port 70000 is out of range", d.format().lines().findFirst().orElseThrow());
    }

    @Test
    void aHealthTestListStartsWithItsKind() {
        Diagnostic d = only("services:\n  web:\n    image: docker.io/library/busybox@" + DIGEST + "\n    healthcheck: { test: [wget, x] }\n");
        assertTrue(d.message().contains("CMD, CMD-SHELL or NONE"), d.message());
    }

    @Test
    void anEmptyComposeFileSaysWhatItNeeds() {
        UserError e = assertThrows(UserError.class, () -> ComposeLoader.parse("compose.yaml", ""));
        assertTrue(e.diagnostics().get(0).hint().contains("services:"), e.diagnostics().toString());
    }

    @Test
    void composeProblemsAreReportedInTheComposeFileWithTheProfileDirectoryInItsName() throws IOException {
        Path p = profileWithApp("services:\n  web:\n    image: busybox:latest\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
        assertEquals(Path.of(p.toString()).resolveSibling("apps/web/compose.yaml") + ":3:12: services.web.image \"busybox:latest\" is not valid",
                e.diagnostics().get(0).format().lines().findFirst().orElseThrow());
    }

    @Test
    void aMissingComposeFileIsReportedAtTheProfileEntry() throws IOException {
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/none.yaml\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
        assertEquals(p + ":6:14: compose file apps/none.yaml does not exist (relative to the profile)",
                e.diagnostics().get(0).format().lines().findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.yaml", "/etc/passwd", "apps/../../x.yaml", ".hidden.yaml"})
    void aComposePathLeavingTheProfileDirectoryIsRefusedByItsShape(String path) throws IOException {
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: \"" + path + "\"\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
        assertEquals(6, e.diagnostics().get(0).line(), e.diagnostics().toString());
    }

    @Test
    void aSymbolicLinkOutOfTheProfileDirectoryIsRefused() throws IOException {
        Path outside = Files.createTempFile("compose", ".yaml");
        try {
            Files.writeString(outside, WEB);
            Files.createDirectories(tmp.resolve("apps"));
            Files.createSymbolicLink(tmp.resolve("apps/web.yaml"), outside);
            Path p = tmp.resolve("board.yaml");
            Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/web.yaml\n");
            UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
            assertTrue(e.diagnostics().get(0).message().contains("outside the profile's directory"), e.diagnostics().toString());
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void twoApplicationsWithOneNameAreRefused() throws IOException {
        profileWithApp(WEB);
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n"
                + "  - name: web\n    compose: apps/web/compose.yaml\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
        assertEquals(p + ":7:11: two applications are named web", e.diagnostics().get(0).format().lines().findFirst().orElseThrow());
    }

    @Test
    void anApplicationNamedLikeTheSlotsImageLayoutIsRefused() throws IOException {
        profileWithApp(WEB);
        Path p = tmp.resolve("board.yaml");
        Files.writeString(p, "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: images\n    compose: apps/web/compose.yaml\n");
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.load(p));
        assertEquals(p + ":5:11: an application cannot be named images", e.diagnostics().get(0).format().lines().findFirst().orElseThrow());
    }

    @Test
    void aBuiltInProfileNamesNoComposeFile() {
        UserError e = assertThrows(UserError.class, () -> ProfileLoader.parse("built-in.yaml",
                "board:\n  name: moducop-test\n  base: qemuarm64\napps:\n  - name: web\n    compose: apps/web/compose.yaml\n"));
        assertTrue(e.diagnostics().get(0).message().contains("cannot name a compose file"), e.diagnostics().toString());
    }

    @Test
    void generateWritesTheApplicationRecipeUnitAndComposeFileWithValuesQuotedUnlessPlainText() throws IOException {
        Path p = profileWithApp(WEB);
        Path out = tmp.resolve("out");
        Cli g = Cli.run("generate", "-o", out.toString(), p.toString());
        assertEquals(0, g.exitCode(), g.err());
        Path apps = out.resolve("meta-moducop-distro/recipes-containers/moducop-apps");
        String compose = Files.readString(apps.resolve("files/web/compose.yaml"));
        assertTrue(compose.contains("    image: \"127.0.0.1:5000/moducop/httpd:1@" + DIGEST + "\"\n"), compose);
        assertTrue(compose.contains("    command: \"sleep 3600\"\n"), compose);
        assertTrue(compose.contains("      LOG_LEVEL: info\n"), compose);
        assertEquals(DIGEST.substring(7) + " 127.0.0.1:5000/moducop/httpd 127.0.0.1:5000/moducop/httpd:1\n" + DIGEST.substring(7)
                + " docker.io/library/busybox docker.io/library/busybox:sha256-" + DIGEST.substring(7) + "\n",
                Files.readString(apps.resolve("files/web/images")));
        String recipe = Files.readString(apps.resolve("moducop-apps.bb"));
        assertTrue(recipe.contains("SYSTEMD_SERVICE:${PN} = \"moducop-app@web.service\""), recipe);
        assertTrue(Files.readString(out.resolve("meta-moducop-distro/recipes-core/images/moducop-image.bb")).contains("    moducop-apps \\\n"));
        Path health = out.resolve("meta-moducop-distro/recipes-core/moducop-init/files/moducop-health");
        assertTrue(Files.readString(health).contains("APPS=\"web:300\""));
        io.moducop.HostTools.require("shellcheck", "shellcheck");
        List<Path> scripts = new java.util.ArrayList<>(List.of(health));
        for (String s : List.of("moducop-app", "moducop-apps.sh", "moducop-app-load", "moducop-app-check", "moducop-app-compose",
                "moducop-app-health", "moducop-app-prune", "moducop-app-update", "moducop-app-preinstall", "moducop-app-postinstall")) {
            scripts.add(apps.resolve("files/" + s));
        }
        for (Path script : scripts) {
            io.moducop.HostTools.Result r = io.moducop.HostTools.run(List.of("shellcheck", "--shell=sh", "--severity=style", script.toString()));
            assertEquals(0, r.exitCode(), script + ":\n" + r.output());
        }
    }

    @Test
    void theExampleTwoServiceApplicationValidatesAndGenerates() throws IOException {
        Path out = tmp.resolve("out");
        Cli g = Cli.run("generate", "-o", out.toString(), "examples/web-app/board.yaml");
        assertEquals(0, g.exitCode(), g.err());
        assertTrue(Files.readString(out.resolve("meta-moducop-distro/recipes-containers/moducop-apps/files/web/compose.yaml"))
                .contains("  client:\n"));
    }

    @Test
    void aProfileWithoutAppsGeneratesNoApplicationFiles() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, Cli.run("generate", "-o", out.toString()).exitCode());
        assertFalse(Files.exists(out.resolve("meta-moducop-distro/recipes-containers/moducop-apps")));
    }

    @Test
    void aBadComposeFileFailsValidateWithExitTwoAndNoStackTrace() throws IOException {
        Path p = profileWithApp("services:\n  web:\n    image: busybox\n    privileged: true\n");
        Cli r = Cli.run("validate", p.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("compose.yaml:3:12: services.web.image \"busybox\" is not valid"), r.err());
        assertTrue(r.err().contains("compose.yaml:4:5: unknown key 'privileged' in services.web"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
