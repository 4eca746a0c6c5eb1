package io.moducop.boottest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Collects the checks of one scenario while it runs its boots. */
final class Scenario {
    final String id;
    final String title;
    final List<String> evidence = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    double seconds;
    int boots;

    Scenario(String id, String title) {
        this.id = id;
        this.title = title;
    }

    void expect(boolean ok, String what, String shown) {
        if (ok) {
            evidence.add(shown == null ? what : what + ": " + shown.strip());
        } else {
            failures.add(what + (shown == null || shown.isBlank() ? "" : " (saw: " + shown.strip() + ")"));
        }
    }

    void expectLine(BootConsole c, String fragment, String what) {
        expect(c.has(fragment), what, c.line(fragment).orElse(""));
    }

    void expectEnv(Map<String, String> env, String name, String value) {
        String actual = env.get(name);
        expect(value.equals(actual), "U-Boot env " + name + "=" + value, name + "=" + actual);
    }

    void add(Qemu.Boot boot, int timeoutSeconds) {
        seconds += boot.seconds();
        boots++;
        if (boot.timedOut()) {
            failures.add("boot " + boots + " did not end within " + timeoutSeconds + " s");
        }
    }

    ScenarioResult result(List<String> consoleTail) {
        List<String> ev = new ArrayList<>(evidence);
        if (!failures.isEmpty()) {
            ev.addAll(consoleTail);
        }
        return new ScenarioResult(id, title, failures.isEmpty(), seconds, boots, List.copyOf(ev), List.copyOf(failures), List.copyOf(logs));
    }
}
