// Login records: wtmp, utmp and lastlog show SFTP sessions with their client address, and a logout however the worker ends.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions are recorded on line sftp<worker pid>, so the tests find theirs by the worker they watched. */
class LoginRecordIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void wtmpShowsAnEndedSessionWithItsClientAddressAndLogoutTime() {
        SystemUser alice = sftpd.user("alice");
        long worker;
        try (WorkerSession session = sftpd.daemon().openSoleSession(alice)) {
            worker = session.worker();
            session.client().finish().assertExit(0);
        }

        awaitLogout(alice, worker);
    }

    @Test
    void wtmpShowsAnOpenSessionWithoutALogoutTime() {
        SystemUser frank = sftpd.user("frank");
        try (WorkerSession session = sftpd.daemon().openSoleSession(frank)) {

            // last(1) says "still logged in" only if /proc/PID/loginuid is the user's uid, which a JVM
            // cannot set for its process (only the main thread may write it); "gone - no logout" is
            // how it shows our open sessions (see docs/ARCHITECTURE.md).
            String last = wtmp(frank);

            assertTrue(entry(frank, session.worker(), "\\S+\\s+(still logged in|gone - no logout)$").matcher(last).find(),
                    last);
            session.client().finish().assertExit(0);
        }
    }

    @Test
    void whoListsASessionWhileItLasts() {
        SystemUser gina = sftpd.user("gina");
        long worker;
        try (WorkerSession session = sftpd.daemon().openSoleSession(gina)) {
            worker = session.worker();

            String who = Run.checked("who").stdout();

            assertTrue(Pattern.compile("(?m)^" + gina + "\\s+sftp" + worker + "\\s.*\\(127\\.0\\.0\\.1\\)$")
                    .matcher(who).find(), who);
            session.client().finish().assertExit(0);
        }
        Poll.until(() -> !Run.checked("who").stdout().contains(" sftp" + worker + " "),
                () -> "who still lists sftp" + worker + ":\n" + Run.checked("who").stdout());
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
    void theLogoutOfAWorkerKilledWithSigkillIsStillRecorded() {
        SystemUser carol = sftpd.user("carol");
        try (WorkerSession session = sftpd.daemon().openSoleSession(carol)) {

            kill(session.worker());

            awaitLogout(carol, session.worker());
        }
    }

    @Test
    void killingOneUsersWorkerLeavesAnotherUsersSessionWorking() {
        SystemUser erin = sftpd.user("erin");
        try (WorkerSession killed = sftpd.daemon().openSoleSession(sftpd.user("dave"));
             OpenSftp survivor = sftpd.clients().openSftp(erin)) {

            kill(killed.worker());
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
        long worker;
        try (WorkerSession session = stopped.openSoleSession(hank)) {
            worker = session.worker();

            stopped.process().destroy();
            session.client().finish();
        }

        Poll.until(() -> !ProcFs.exists(worker), () -> "worker " + worker + " outlived its session");
        awaitLogout(hank, worker);
    }

    /** SIGKILL, and wait for the daemon to reap the worker. */
    private static void kill(long worker) {
        ProcessHandle.of(worker).orElseThrow().destroyForcibly();
        sftpd.daemon().awaitLog(Pattern.compile("worker " + worker + " for 127\\.0\\.0\\.1 port \\d+ killed by signal 9"));
    }

    /** Waits until wtmp has the session sftp<worker> of this user, from 127.0.0.1, with its end time. */
    private static void awaitLogout(SystemUser user, long worker) {
        Pattern ended = entry(user, worker, "\\S+ - \\S+\\s+\\(\\d+:\\d\\d\\)$");
        Poll.until(() -> ended.matcher(wtmp(user)).find(),
                () -> "no ended session sftp" + worker + " of " + user + " in wtmp:\n" + wtmp(user));
    }

    /** A line of `last -w -i`: user, line sftp<worker>, client address, then {@code times}. */
    private static Pattern entry(SystemUser user, long worker, String times) {
        return Pattern.compile("(?m)^" + user + "\\s+sftp" + worker + "\\s+127\\.0\\.0\\.1\\s+" + times);
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
