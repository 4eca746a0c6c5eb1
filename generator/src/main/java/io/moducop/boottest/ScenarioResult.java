package io.moducop.boottest;

import java.util.List;

/** The outcome of one scenario: what was checked, the console lines that prove it, how long it took. */
public record ScenarioResult(String id, String title, boolean passed, double seconds, int boots,
                             List<String> evidence, List<String> failures, List<String> logs) {
}
