// The "ls -l" line OpenSSH's sftp-server sends with each READDIR entry (ls_file() of sftp-common.c).
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Stat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;

final class LongName {
    private static final long HALF_YEAR_SECONDS = 365L * 24 * 60 * 60 / 2;
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private LongName() {}

    /**
     * "%s %3u %-8s %-8s %8llu %s %s": mode, links, owner, group, size, date, name. The name
     * stays raw bytes; owner and group are names where NSS knows them, else numbers. Built by
     * hand rather than with String.format, whose parsing of these padded specifiers cost more
     * than the rest of a READDIR entry.
     */
    static byte[] format(byte[] name, Stat st, String user, String group, long nowSeconds, ZoneId zone) {
        StringBuilder head = new StringBuilder(64).append(mode(st.mode())).append(' ');
        padLeft(head, Long.toString(st.nlink()), 3).append(' ');
        padRight(head, user, 8).append(' ');
        padRight(head, group, 8).append(' ');
        padLeft(head, Long.toString(st.size()), 8).append(' ');
        date(head, st.mtime(), nowSeconds, zone).append(' ');
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] line = Arrays.copyOf(headBytes, headBytes.length + name.length);
        System.arraycopy(name, 0, line, headBytes.length, name.length);
        return line;
    }

    /** strmode(3): type letter, rwx triplets with s/S/t/T, and a trailing space for "no ACL". */
    static String mode(int mode) {
        char[] c = new char[11];
        c[0] = switch (mode & Stat.S_IFMT) {
            case 0040000 -> 'd';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0100000 -> '-';
            case 0120000 -> 'l';
            case 0140000 -> 's';
            case 0010000 -> 'p';
            default -> '?';
        };
        triplet(c, 1, mode >> 6, (mode & 04000) != 0, 's');
        triplet(c, 4, mode >> 3, (mode & 02000) != 0, 's');
        triplet(c, 7, mode, (mode & 01000) != 0, 't');
        c[10] = ' ';
        return new String(c);
    }

    private static void triplet(char[] c, int at, int bits, boolean special, char specialLetter) {
        c[at] = (bits & 4) != 0 ? 'r' : '-';
        c[at + 1] = (bits & 2) != 0 ? 'w' : '-';
        boolean x = (bits & 1) != 0;
        if (special) {
            c[at + 2] = x ? specialLetter : Character.toUpperCase(specialLetter);
        } else {
            c[at + 2] = x ? 'x' : '-';
        }
    }

    /** "%b %e %H:%M" within the last half year, else "%b %e  %Y", in local time. */
    private static StringBuilder date(StringBuilder out, long mtime, long now, ZoneId zone) {
        ZonedDateTime t = Instant.ofEpochSecond(mtime).atZone(zone);
        padLeft(out.append(MONTHS[t.getMonthValue() - 1]).append(' '), Integer.toString(t.getDayOfMonth()), 2);
        if (now - HALF_YEAR_SECONDS < mtime && now >= mtime) {
            return padLeft(padLeft(out.append(' '), Integer.toString(t.getHour()), 2, '0').append(':'),
                    Integer.toString(t.getMinute()), 2, '0');
        }
        return out.append("  ").append(t.getYear());
    }

    /** printf's "%Nd": text right-aligned in width, blank-filled. */
    private static StringBuilder padLeft(StringBuilder out, String text, int width) {
        return padLeft(out, text, width, ' ');
    }

    private static StringBuilder padLeft(StringBuilder out, String text, int width, char fill) {
        for (int i = text.length(); i < width; i++) {
            out.append(fill);
        }
        return out.append(text);
    }

    /** printf's "%-Ns": text left-aligned in width, blank-filled; longer text is not cut. */
    private static StringBuilder padRight(StringBuilder out, String text, int width) {
        out.append(text);
        for (int i = text.length(); i < width; i++) {
            out.append(' ');
        }
        return out;
    }
}
