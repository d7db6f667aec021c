// OpenSSH's strnvis(VIS_CSTYLE|VIS_NL|VIS_TAB|VIS_OCTAL) for log messages, on syslog and stderr alike.
package dev.sftpd.log;

import java.nio.charset.StandardCharsets;

/**
 * Messages carry client-chosen user names, file names and version strings, so nothing but
 * printable ASCII reaches a terminal or a syslog file raw: a newline in a user name would
 * otherwise write a second line of the attacker's choosing ("Accepted password for root ...")
 * for fail2ban and the administrator to believe. The C escapes (\n \r \t ...) for control
 * characters that have one, octal for every other byte, as log.c does for syslog. Callers hand
 * byte strings over decoded as ISO-8859-1, which makes each char one byte again; a char beyond
 * 0xFF was never a byte and becomes '?'.
 */
final class Vis {
    private Vis() {
    }

    static String encode(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            int cstyle = "\u0007\b\f\n\r\t\u000b".indexOf(c);
            if (c >= 0x20 && c <= 0x7e) {
                out.append((char) c);
            } else if (cstyle >= 0) {
                out.append('\\').append("abfnrtv".charAt(cstyle));
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
