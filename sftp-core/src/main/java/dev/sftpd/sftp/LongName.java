// The "ls -l" line OpenSSH's sftp-server sends with each READDIR entry (ls_file() of sftp-common.c).
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Stat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

final class LongName {
    private static final long HALF_YEAR_SECONDS = 365L * 24 * 60 * 60 / 2;
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private LongName() {}

    /**
     * "%s %3u %-8s %-8s %8llu %s %s": mode, links, owner, group, size, date, name. The name
     * stays raw bytes; owner and group are names where NSS knows them, else numbers.
     */
    static byte[] format(byte[] name, Stat st, String user, String group, long nowSeconds, ZoneId zone) {
        String head = String.format(Locale.ROOT, "%s %3d %-" + Math.max(user.length(), 8) + "s %-"
                + Math.max(group.length(), 8) + "s %8d %s ",
                mode(st.mode()), st.nlink(), user, group, st.size(), date(st.mtime(), nowSeconds, zone));
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + name.length);
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(name);
        return out.toByteArray();
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
    static String date(long mtime, long now, ZoneId zone) {
        ZonedDateTime t = Instant.ofEpochSecond(mtime).atZone(zone);
        String day = String.format(Locale.ROOT, "%s %2d", MONTHS[t.getMonthValue() - 1], t.getDayOfMonth());
        if (now - HALF_YEAR_SECONDS < mtime && now >= mtime) {
            return String.format(Locale.ROOT, "%s %02d:%02d", day, t.getHour(), t.getMinute());
        }
        return String.format(Locale.ROOT, "%s  %d", day, t.getYear());
    }
}
