// C string copies into fixed-size struct fields, with the semantics loginrec.c relies on.
package dev.sftpd.monitor.login;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

final class CString {
    private CString() {
    }

    /** strncpy(3) into a zero-filled field: the text may fill all {@code size} bytes, unterminated. */
    static void strncpy(ByteBuffer struct, int offset, int size, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        struct.put(offset, bytes, 0, Math.min(bytes.length, size));
    }

    /** The text of a field up to its first NUL, or all {@code size} bytes when it has none (strncpy's). */
    static String read(ByteBuffer struct, int offset, int size) {
        byte[] bytes = new byte[size];
        struct.get(offset, bytes);
        int end = 0;
        while (end < size && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** strlcpy(3) into a zero-filled field: always leaves room for the terminating NUL. */
    static void strlcpy(ByteBuffer struct, int offset, int size, String text) {
        strncpy(struct, offset, size - 1, text);
    }
}
