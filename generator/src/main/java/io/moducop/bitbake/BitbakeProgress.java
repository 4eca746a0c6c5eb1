package io.moducop.bitbake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads bitbake's (knotty, no terminal) output line by line: the task counter
 * ({@code NOTE: Running task 12 of 4500 (...)}, also {@code Running setscene task}), failed tasks
 * ({@code ERROR: Task (...) failed with exit code '1'}) and their logs
 * ({@code ERROR: Logfile of failure stored in: ...}).
 */
public final class BitbakeProgress {

    private static final Pattern RUNNING = Pattern.compile(
            "^NOTE: Running (setscene )?task (\\d+) of (\\d+) \\((.*)\\)\\s*$");
    private static final Pattern FAILED = Pattern.compile("^ERROR: Task \\((.+)\\) failed with exit code '(\\d+)'.*$");
    private static final Pattern LOGFILE = Pattern.compile("^ERROR: Logfile of failure stored in: (\\S+)\\s*$");
    private static final Pattern SUMMARY = Pattern.compile("^NOTE: Tasks Summary: .*$");

    /** The counter after the last task line. */
    public record Counter(boolean setscene, int current, int total, String task) {
        public int percent() {
            return total == 0 ? 0 : (int) (100L * current / total);
        }
    }

    /** A task that failed, with its log file as bitbake printed it (a container path), if it did. */
    public record FailedTask(String task, String logFile) {
    }

    private Counter counter;
    private final List<FailedTask> failed = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private String pendingLog;
    private String summary;

    /** Consumes one line; returns the new counter when the line moved it. */
    public Optional<Counter> accept(String line) {
        Matcher m = RUNNING.matcher(line);
        if (m.matches()) {
            counter = new Counter(m.group(1) != null, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4));
            return Optional.of(counter);
        }
        m = LOGFILE.matcher(line);
        if (m.matches()) {
            pendingLog = m.group(1);
            return Optional.empty();
        }
        m = FAILED.matcher(line);
        if (m.matches()) {
            // bitbake prints the log file line just before the "Task ... failed" line
            failed.add(new FailedTask(m.group(1), pendingLog));
            pendingLog = null;
            return Optional.empty();
        }
        if (SUMMARY.matcher(line).matches()) {
            summary = line.substring("NOTE: ".length());
        }
        if (line.startsWith("ERROR: ") && errors.size() < 50) {
            errors.add(line);
        }
        return Optional.empty();
    }

    public Optional<Counter> counter() {
        return Optional.ofNullable(counter);
    }

    public List<FailedTask> failedTasks() {
        return List.copyOf(failed);
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    public Optional<String> summary() {
        return Optional.ofNullable(summary);
    }
}
