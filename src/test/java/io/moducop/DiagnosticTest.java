package io.moducop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DiagnosticTest {

    @Test
    void controlAndBidiCharactersAreEscapedInEveryPart() {
        Diagnostic d = new Diagnostic("a\u202eb\n.yaml", 3, 4, "value \"x\u001b[2J\rreboot\u2028\" is bad", "use\u2066 y\u0085");
        assertEquals("a\\u202eb\\n.yaml:3:4: value \"x\\u001b[2J\\rreboot\\u2028\" is bad\n  hint: use\\u2066 y\\u0085",
                d.format());
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        Diagnostic d = new Diagnostic("p.yaml", 1, 2, "needs 4 MiB + 2 × 1 GiB \\n", "e.g. ^[a-z]$");
        assertEquals("p.yaml:1:2: needs 4 MiB + 2 × 1 GiB \\n\n  hint: e.g. ^[a-z]$", d.format());
    }
}
