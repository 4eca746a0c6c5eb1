package io.moducop.bitbake;

import java.io.PrintWriter;

/**
 * Shows a build's progress: on a terminal a one-line bar redrawn in place, otherwise (CI) a plain
 * line at most every {@code intervalMillis} and whenever the phase changes. The full output goes
 * to the log file, not here.
 */
public final class ProgressDisplay {

    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalMillis;
    private long lastPrint = Long.MIN_VALUE / 2; // the first counter is always shown
    private boolean lastSetscene;
    private boolean barShown;

    public ProgressDisplay(PrintWriter out, boolean terminal, long intervalMillis) {
        this.out = out;
        this.terminal = terminal;
        this.intervalMillis = intervalMillis;
    }

    public void update(BitbakeProgress.Counter c, long nowMillis) {
        String phase = c.setscene() ? "setscene" : "tasks";
        if (terminal) {
            int width = 30;
            int filled = c.percent() * width / 100;
            String name = io.moducop.Diagnostic.escape(c.task()); // bitbake's output: the profile's recipes choose it
            String task = name.length() > 40 ? "..." + name.substring(name.length() - 37) : name;
            out.print("\r" + phase + " [" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                    + c.current() + "/" + c.total() + " " + task + "\u001b[K");
            out.flush();
            barShown = true;
            return;
        }
        if (nowMillis - lastPrint >= intervalMillis || c.setscene() != lastSetscene || c.current() == c.total()) {
            out.println("bitbake: " + phase + " " + c.current() + " of " + c.total() + " (" + c.percent() + "%)");
            out.flush();
            lastPrint = nowMillis;
            lastSetscene = c.setscene();
        }
    }

    /** Plain messages (ours, not bitbake's) break the bar line first. */
    public void message(String line) {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.println(line);
        out.flush();
    }

    public void finish() {
        if (barShown) {
            out.println();
            barShown = false;
        }
        out.flush();
    }
}
