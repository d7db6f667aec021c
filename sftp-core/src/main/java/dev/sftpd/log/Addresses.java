// Addresses in log lines and configuration dumps as OpenSSH prints them.
package dev.sftpd.log;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** Java prints ::1 as 0:0:0:0:0:0:0:1; sshd's lines, and the log parsers that read them, use inet_ntop()'s text. */
public final class Addresses {
    private Addresses() {}

    /** The address as sshd prints and matches it: inet_ntop() text, e.g. "2001:db8::1", "::ffff:10.0.0.1". */
    public static String text(InetAddress a) {
        if (a instanceof Inet4Address) {
            return a.getHostAddress();
        }
        byte[] b = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero words (the first of equal runs) becomes "::".
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLen) {
                if (i == bestStart) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            // glibc prints IPv4-compatible and IPv4-mapped tails as dotted quads.
            if (i == 6 && bestStart == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                out.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                        .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                break;
            }
            out.append(Integer.toHexString(w[i]));
        }
        if (bestStart >= 0 && bestStart + bestLen == 8) {
            out.append(':');
        }
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            out.append('%').append(v6.getScopedInterface() != null ? v6.getScopedInterface().getName() : v6.getScopeId());
        }
        return out.toString();
    }
}
