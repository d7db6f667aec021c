// OpenSSH's strnvis(VIS_SAFE|VIS_OCTAL|VIS_NOSLASH) for log messages.
package dev.sftpd.log;

import java.nio.charset.StandardCharsets;

/**
 * Messages carry client-chosen file names, so nothing but printable ASCII, tab and newline may
 * reach a terminal or a syslog file raw. Callers hand byte strings over decoded as ISO-8859-1,
 * which makes each char one byte again; a char beyond 0xFF was never a byte and becomes '?'.
 */
final class Vis {
    private Vis() {
    }

    static String encode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 0x20 && c <= 0x7e) || c == '\t' || c == '\n') {
                out.append((char) c);
            } else {
                out.append('\\').append(octal(c >> 6)).append(octal(c >> 3)).append(octal(c));
            }
        }
        return out.toString();
    }

    private static char octal(int bits) {
        return (char) ('0' + (bits & 7));
    }
}
