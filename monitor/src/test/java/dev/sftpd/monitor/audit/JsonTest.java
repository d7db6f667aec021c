// The audit log's JSON: what a user names cannot break a record out of its line or its string.
package dev.sftpd.monitor.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void quotesBackslashesAndControlCharactersAreEscapedSoTheRecordStaysOneLine() {
        String line = new Json().put("path", "a\"b\\c\nd\u0001e\u2028").line();

        assertEquals("{\"path\":\"a\\\"b\\\\c\\nd\\u0001e\\u2028\"}\n", line);
        assertFalse(line.substring(0, line.length() - 1).contains("\n"));
    }

    @Test
    void aPathThatIsNotUtf8GoesUnderItsBase64KeyByteForByte() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);

        String line = new Json().putPath("path", latin1).line();

        String encoded = line.replaceAll("^\\{\"path_base64\":\"(.*)\"\\}\n$", "$1");
        assertArrayEquals(latin1, Base64.getDecoder().decode(encoded), line);
    }

    @Test
    void aUtf8PathIsAStringUnderItsOwnKey() {
        assertEquals("{\"path\":\"caf\u00e9\"}\n", new Json().putPath("path", "caf\u00e9".getBytes(StandardCharsets.UTF_8))
                .line());
    }
}
