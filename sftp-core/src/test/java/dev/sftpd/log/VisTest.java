// Specifies the escaping every log line gets: strnvis(VIS_SAFE|VIS_OCTAL|VIS_NOSLASH).
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VisTest {
    @Test
    void printableAsciiPassesThrough() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x20; c <= 0x7e; c++) {
            all.append(c);
        }
        assertEquals(all.toString(), Vis.encode(all.toString()));
    }

    /** VIS_NL and VIS_TAB, as log.c gives syslog: no client string can end a line early. */
    @Test
    void tabNewlineAndCarriageReturnAreEscapedCStyle() {
        assertEquals("a\\tb\\nc\\r", Vis.encode("a\tb\nc\r"));
    }

    @Test
    void backslashIsNotDoubled() {
        assertEquals("C:\\dir\\303", Vis.encode("C:\\dir\\303"));
    }

    @Test
    void controlBytesBecomeCEscapesOrThreeOctalDigits() {
        assertEquals("\\000\\001\\r\\033[2J\\b\\a\\037", Vis.encode("\0\u0001\r\u001b[2J\b\u0007\u001f"));
    }

    @Test
    void deleteBecomesOctal() {
        assertEquals("\\177", Vis.encode("\u007f"));
    }

    @Test
    void highBytesBecomeOctal() {
        String utf8AsBytes = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals("caf\\303\\251", Vis.encode("caf" + utf8AsBytes));
        assertEquals("\\200\\377", Vis.encode("\u0080\u00ff"));
    }

    @Test
    void charsBeyondOneByteBecomeQuestionMarks() {
        assertEquals("a?b?", Vis.encode("a\u20acb\ud83d\ude00"));
    }
}
