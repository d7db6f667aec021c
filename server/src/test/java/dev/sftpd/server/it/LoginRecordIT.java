// Login records: wtmp, utmp and lastlog show SFTP sessions with their client address, and a logout however the session ends.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions are recorded on line sftp<pid of the session's process>, the process that carries the
 * user's audit loginuid, so the tests find theirs by the session they watched.
 */
class LoginRecordIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void wtmpShowsAnEndedSessionWithItsClientAddressAndLogoutTime() {
        SystemUser alice = sftpd.user("alice");
        long session;
        try (UserSession open = sftpd.daemon().openSession(alice)) {
            session = open.session();
            open.client().finish().assertExit(0);
        }

        awaitLogout(alice, session);
    }

    @Test
    void lastShowsAnOpenSessionAsStillLoggedIn() {
        SystemUser frank = sftpd.user("frank");
        try (UserSession open = sftpd.daemon().openSession(frank)) {

            // last(1) believes an open entry only if /proc/PID/loginuid is the user's uid.
            String last = wtmp(frank);

            assertTrue(entry(frank, open.session(), "\\S+\\s+still logged in$").matcher(last).find(), last);
            open.client().finish().assertExit(0);
        }
    }

    @Test
    void whoListsASessionWhileItLasts() {
        SystemUser gina = sftpd.user("gina");
        long session;
        try (UserSession open = sftpd.daemon().openSession(gina)) {
            session = open.session();

            String who = Run.checked("who").stdout();

            assertTrue(Pattern.compile("(?m)^" + gina + "\\s+sftp" + session + "\\s.*\\(127\\.0\\.0\\.1\\)$")
                    .matcher(who).find(), who);
            open.client().finish().assertExit(0);
        }
        Poll.until(() -> !Run.checked("who").stdout().contains(" sftp" + session + " "),
                () -> "who still lists sftp" + session + ":\n" + Run.checked("who").stdout());
    }

    @Test
    void lastlogShowsTheLatestLoginWithItsClientAddress() {
        SystemUser bob = sftpd.user("bob");
        assertTrue(lastlog(bob).contains("**Never logged in**"), lastlog(bob));

        sftpd.clients().sftp(bob, "pwd").assertExit(0);

        String lastlog = lastlog(bob);
        assertTrue(Pattern.compile("(?m)^" + bob + "\\s+sftp\\d+\\s+127\\.0\\.0\\.1\\s+\\S").matcher(lastlog).find(),
                lastlog);
    }

    @Test
    void theLogoutOfAnEngineKilledWithSigkillIsStillRecorded() {
        SystemUser carol = sftpd.user("carol");
        try (UserSession open = sftpd.daemon().openSession(carol)) {

            ProcessHandle.of(open.engine()).orElseThrow().destroyForcibly();

            awaitLogout(carol, open.session());
        }
    }

    @Test
    void theLogoutOfASessionWhoseTransportIsKilledIsStillRecorded() {
        SystemUser ivan = sftpd.user("ivan");
        try (UserSession open = sftpd.daemon().openSession(ivan)) {

            ProcessHandle.of(open.transport()).orElseThrow().destroyForcibly();

            awaitLogout(ivan, open.session());
            Poll.until(() -> !ProcFs.exists(open.engine()), () -> "engine " + open.engine() + " outlived its transport");
        }
    }

    @Test
    void killingOneUsersProcessesLeavesAnotherUsersSessionWorking() {
        SystemUser erin = sftpd.user("erin");
        try (UserSession killed = sftpd.daemon().openSession(sftpd.user("dave"));
             OpenSftp survivor = sftpd.clients().openSftp(erin)) {

            ProcessHandle.of(killed.engine()).orElseThrow().destroyForcibly();
            ProcessHandle.of(killed.transport()).orElseThrow().destroyForcibly();
            survivor.send("mkdir made-after-the-kill");

            survivor.finish().assertExit(0);
            assertTrue(Files.isDirectory(erin.home().resolve("made-after-the-kill")));
            assertTrue(sftpd.daemon().isAlive());
        }
    }

    @Test
    void stoppingTheDaemonDuringASessionStillRecordsItsLogout() {
        SystemUser hank = sftpd.user("hank");
        DaemonProcess stopped = sftpd.startDaemon();
        UserSession open = stopped.openSession(hank);
        try (open) {
            stopped.process().destroy();
            open.client().finish();
        }

        Poll.until(() -> !ProcFs.exists(open.engine()), () -> "engine " + open.engine() + " outlived its session");
        Poll.until(() -> !ProcFs.exists(open.transport()), () -> "transport " + open.transport() + " outlived it");
        awaitLogout(hank, open.session());
    }

    /** Waits until wtmp has the session sftp<session> of this user, from 127.0.0.1, with its end time. */
    static void awaitLogout(SystemUser user, long session) {
        Pattern ended = entry(user, session, "\\S+ - \\S+\\s+\\(\\d+:\\d\\d\\)$");
        Poll.until(() -> ended.matcher(wtmp(user)).find(),
                () -> "no ended session sftp" + session + " of " + user + " in wtmp:\n" + wtmp(user));
    }

    /** A line of `last -w -i`: user, line sftp<session>, client address, then {@code times}. */
    private static Pattern entry(SystemUser user, long session, String times) {
        return Pattern.compile("(?m)^" + user + "\\s+sftp" + session + "\\s+127\\.0\\.0\\.1\\s+" + times);
    }

    private static String wtmp(SystemUser user) {
        return Run.checked("last", "-f", "/var/log/wtmp", "-w", "-i", "--time-format", "iso", user.name()).stdout();
    }

    private static String lastlog(SystemUser user) {
        String out = Run.checked("lastlog", "-u", user.name()).stdout();
        assertEquals(2, out.lines().count(), out);
        return out;
    }
}
