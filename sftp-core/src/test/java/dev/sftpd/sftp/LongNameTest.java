// "ls -l" long names as OpenSSH's ls_file() prints them for READDIR.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.sftp.posix.Stat;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class LongNameTest {
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long NOW = ZonedDateTime.of(2026, 11, 21, 12, 0, 0, 0, UTC).toEpochSecond();

    private static Stat file(int mode, long size, long mtime) {
        return new Stat(1, 2, mode, 1, 0, 0, size, mtime, mtime);
    }

    private static String line(String name, Stat st, String user, String group) {
        return new String(LongName.format(name.getBytes(StandardCharsets.ISO_8859_1), st, user, group, NOW, UTC),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void recentFileShowsTimeOfDay() {
        long mtime = ZonedDateTime.of(2026, 11, 1, 5, 3, 0, 0, UTC).toEpochSecond();
        assertEquals("-rw-r--r--    1 root     root         1234 Nov  1 05:03 a.txt",
                line("a.txt", file(0100644, 1234, mtime), "root", "root"));
    }

    @Test
    void fileOlderThanHalfAYearShowsTheYear() {
        long mtime = ZonedDateTime.of(2025, 3, 14, 1, 2, 0, 0, UTC).toEpochSecond();
        assertEquals("drwxr-x---    1 alice    staff           0 Mar 14  2025 d",
                line("d", file(040750, 0, mtime), "alice", "staff"));
    }

    @Test
    void futureFileShowsTheYear() {
        assertEquals("-rw-------    1 root     root            0 Nov 22  2026 f",
                line("f", file(0100600, 0, NOW + 86400), "root", "root"));
    }

    @Test
    void longOwnerNamesWidenTheirColumn() {
        assertEquals("-rw-------    1 averylongname 4000000000        0 Nov 21 12:00 f",
                line("f", file(0100600, 0, NOW), "averylongname", "4000000000"));
    }

    @Test
    void specialBitsFollowStrmode() {
        assertEquals("-rwsr-sr-t ", LongName.mode(0107755));
        assertEquals("-rwSr-Sr-T ", LongName.mode(0107644));
        assertEquals("lrwxrwxrwx ", LongName.mode(0120777));
        assertEquals("srw-rw-rw- ", LongName.mode(0140666));
        assertEquals("prw-r--r-- ", LongName.mode(010644));
        assertEquals("crw-rw-rw- ", LongName.mode(020666));
        assertEquals("brw-rw---- ", LongName.mode(060660));
    }

    @Test
    void nameBytesArePassedThroughUnchanged() {
        byte[] name = {'x', (byte) 0xe9, '\n'};
        byte[] out = LongName.format(name, file(0100644, 0, NOW), "u", "g", NOW, UTC);
        byte[] tail = java.util.Arrays.copyOfRange(out, out.length - 3, out.length);
        assertArrayEquals(name, tail);
    }
}
