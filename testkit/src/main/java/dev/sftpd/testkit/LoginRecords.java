// What who and last say about a session the daemon recorded as sftp<pid of its session's process>.
package dev.sftpd.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

public final class LoginRecords {
    private static final Path UTMP = Path.of("/var/run/utmp");
    private static final short USER_PROCESS = 7;
    /** `last`'s times of a session that has ended: login - logout (duration). */
    private static final String ENDED = "\\S+ - \\S+\\s+\\(\\d+:\\d\\d\\)$";

    private LoginRecords() {}

    /** Waits until wtmp has the session sftp<session> of this user, from 127.0.0.1, with its end time. */
    public static void awaitLogout(SystemUser user, long session) {
        Pattern ended = entry(user, session, ENDED);
        Poll.until(() -> ended.matcher(wtmp(user)).find(),
                () -> "no ended session sftp" + session + " of " + user + " in wtmp:\n" + wtmp(user));
    }

    /** Waits until utmp has no open entry for the session. */
    public static void awaitGoneFromUtmp(long session) {
        Poll.until(() -> !open(session), () -> "utmp still has sftp" + session + " open; who:\n" + who());
    }

    /** utmp has an open entry for the session now. */
    public static void assertListed(long session) {
        assertTrue(open(session), () -> "utmp has no open sftp" + session + "; who:\n" + who());
    }

    /** utmp has no open entry for the session now. */
    public static void assertNotListed(long session) {
        assertFalse(open(session), () -> "utmp has sftp" + session + " open; who:\n" + who());
    }

    /**
     * Whether /var/run/utmp has a USER_PROCESS entry on line sftp<session>. Read from the file:
     * who hides an entry whose process is gone, which is what a stale entry is. struct utmpx on
     * x86_64: ut_type (short) at 0, ut_line at 8, 32 bytes, 384 bytes a record.
     */
    private static boolean open(long session) {
        byte[] utmp;
        try {
            utmp = Files.readAllBytes(UTMP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer entries = ByteBuffer.wrap(utmp).order(ByteOrder.nativeOrder());
        byte[] line = ("sftp" + session).getBytes(StandardCharsets.US_ASCII);
        for (int at = 0; at + 384 <= utmp.length; at += 384) {
            if (entries.getShort(at) == USER_PROCESS && Arrays.equals(utmp, at + 8, at + 8 + line.length, line, 0,
                    line.length) && utmp[at + 8 + line.length] == 0) {
                return true;
            }
        }
        return false;
    }

    public static String who() {
        return Run.checked("who").stdout();
    }

    /** A line of `last -w -i`: user, line sftp<session>, client address, then {@code times}. */
    public static Pattern entry(SystemUser user, long session, String times) {
        return entry(user, "sftp" + session, "127.0.0.1", times);
    }

    /** A line of `last -w -i`: user, the line (a regular expression), the client address {@code host}, then {@code times}. */
    public static Pattern entry(SystemUser user, String line, String host, String times) {
        return Pattern.compile("(?m)^" + user + "\\s+" + line + "\\s+" + Pattern.quote(host) + "\\s+" + times);
    }

    /** Waits until wtmp has an ended session of this user from {@code host} (a client behind a load balancer). */
    public static void awaitLogoutFrom(SystemUser user, String host) {
        Pattern ended = entry(user, "sftp\\d+", host, ENDED);
        Poll.until(() -> ended.matcher(wtmp(user)).find(),
                () -> "no ended session of " + user + " from " + host + " in wtmp:\n" + wtmp(user));
    }

    public static String wtmp(SystemUser user) {
        return Run.checked("last", "-f", "/var/log/wtmp", "-w", "-i", "--time-format", "iso", user.name()).stdout();
    }
}
