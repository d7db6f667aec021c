// One JSON object on one line, fields in the order they are put: what each audit log record is.
package dev.sftpd.monitor.audit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Strings are escaped as RFC 8259 requires (quote, backslash, control characters), so a name
 * with a newline cannot start a line of its own. A path is bytes: one that is valid UTF-8 is a
 * string under its key; any other goes under {@code key + "_base64"}, so no byte is lost or
 * made to look like another name.
 */
final class Json {
    private final StringBuilder b = new StringBuilder(256).append('{');

    Json put(String key, String value) {
        key(key);
        quote(value);
        return this;
    }

    Json put(String key, long value) {
        key(key);
        b.append(value);
        return this;
    }

    /** Milliseconds with microsecond precision, from nanoseconds. */
    Json putMillis(String key, long nanos) {
        key(key);
        b.append(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
        return this;
    }

    Json putPath(String key, byte[] path) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(path)).toString();
            return put(key, text);
        } catch (CharacterCodingException e) {
            return put(key + "_base64", Base64.getEncoder().encodeToString(path));
        }
    }

    /** The object, closed, as one line with its newline. */
    String line() {
        return b + "}\n";
    }

    private void key(String key) {
        if (b.length() > 1) {
            b.append(',');
        }
        quote(key);
        b.append(':');
    }

    private void quote(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
