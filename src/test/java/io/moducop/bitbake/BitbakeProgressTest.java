package io.moducop.bitbake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class BitbakeProgressTest {

    @Test
    void readsTaskCounterFailedTasksAndTheirLogs() {
        BitbakeProgress p = new BitbakeProgress();
        assertTrue(p.accept("NOTE: Running setscene task 3 of 10 (/w/poky/meta/recipes-core/zlib/zlib_1.3.1.bb:do_populate_sysroot_setscene)").isPresent());
        var c = p.accept("NOTE: Running task 1201 of 4512 (/w/poky/meta/recipes-core/busybox/busybox_1.36.1.bb:do_compile)").orElseThrow();
        assertEquals(1201, c.current());
        assertEquals(4512, c.total());
        assertEquals(26, c.percent());
        p.accept("ERROR: busybox-1.36.1-r0 do_compile: oe_runmake failed");
        p.accept("ERROR: Logfile of failure stored in: /moducop/work/build/tmp/work/x/busybox/1.36.1/temp/log.do_compile.4242");
        p.accept("ERROR: Task (/w/poky/meta/recipes-core/busybox/busybox_1.36.1.bb:do_compile) failed with exit code '1'");
        p.accept("NOTE: Tasks Summary: Attempted 1201 tasks of which 1100 didn't need to be rerun and 1 failed.");
        assertEquals(1, p.failedTasks().size());
        assertEquals("/w/poky/meta/recipes-core/busybox/busybox_1.36.1.bb:do_compile", p.failedTasks().get(0).task());
        assertEquals("/moducop/work/build/tmp/work/x/busybox/1.36.1/temp/log.do_compile.4242", p.failedTasks().get(0).logFile());
        assertTrue(p.summary().orElseThrow().startsWith("Tasks Summary: Attempted 1201"));
    }

    @Test
    void withoutTerminalPrintsPlainLinesAtMostEveryInterval() {
        StringWriter s = new StringWriter();
        ProgressDisplay d = new ProgressDisplay(new PrintWriter(s), false, 30_000);
        d.update(new BitbakeProgress.Counter(false, 1, 100, "a"), 0);
        d.update(new BitbakeProgress.Counter(false, 2, 100, "b"), 10_000);
        d.update(new BitbakeProgress.Counter(false, 50, 100, "c"), 31_000);
        d.update(new BitbakeProgress.Counter(false, 100, 100, "d"), 32_000);
        assertEquals("bitbake: tasks 1 of 100 (1%)\nbitbake: tasks 50 of 100 (50%)\nbitbake: tasks 100 of 100 (100%)\n",
                s.toString().replace("\r\n", "\n"));
    }

    @Test
    void onATerminalDrawsABarInPlace() {
        StringWriter s = new StringWriter();
        ProgressDisplay d = new ProgressDisplay(new PrintWriter(s), true, 30_000);
        d.update(new BitbakeProgress.Counter(false, 50, 100, "x.bb:do_compile"), 0);
        d.finish();
        assertTrue(s.toString().startsWith("\rtasks [###############               ] 50/100 x.bb:do_compile"), s.toString());
    }
}
