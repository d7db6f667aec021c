// fail2ban's stock sshd filter, told the daemon is named sftpd, reads our failure lines from a real syslog file.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Rsyslog;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.Text;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Before the tests, sftpd runs as in production, logging to syslog (a private rsyslogd writing a file
 * as Debian's auth.log), and three clients fail: a wrong password until MaxAuthTries, an unknown
 * user, and a user in DenyUsers. The tests run Debian's fail2ban-regex on that file.
 */
class Fail2banIT {
    private static final String SFTPD_FILTER = "sshd[_daemon=sftpd]";
    /** The lines of the sshd filter's F-NOFAIL rule: a connection's end, no failure of its own. */
    private static final Pattern NO_FAILURE = Pattern.compile(" sftpd\\[\\d+\\]: (Connection (closed|reset)|Disconnected) ");
    private static final Pattern SUMMARY = Pattern.compile("Lines: (\\d+) lines, (\\d+) ignored, (\\d+) matched");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    private static Rsyslog syslog;
    /** The lines of the failures the clients caused, as sshd words them. */
    private static List<String> failures;

    @BeforeAll
    static void failSomeLogins() {
        syslog = sftpd.startRsyslog();
        DaemonProcess daemon = sftpd.startLoggingTo(syslog, "MaxAuthTries 2", "DenyUsers sftpd-a-deny-*");
        OpenSsh client = daemon.clients();
        SystemUser alice = sftpd.accounts().newUser("alice");
        SystemUser denied = sftpd.accounts().newUser("deny");
        String ghost = "sftpd-a-ghost-" + ProcessHandle.current().pid();

        client.pwd(alice.name(), Login.password("not-" + alice.password()).attempts(2)).assertNoSession();
        client.pwd(ghost, Login.password("anything")).assertPermissionDenied();
        client.pwd(denied.name(), Login.password(denied.password())).assertPermissionDenied();

        failures = List.of(
                "Failed password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2",
                "Failed password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2",
                "maximum authentication attempts exceeded for " + alice + " from 127.0.0.1 port " + ANY_PORT
                        + " ssh2",
                "Invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT,
                "Failed password for invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT + " ssh2",
                "User " + denied + " from 127.0.0.1 not allowed because listed in DenyUsers",
                "Failed password for invalid user " + denied + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
        failures.forEach(daemon::awaitLine);
        // Each connection's end too, so that the log is whole (and no longer growing) when read.
        Pattern closed = Pattern.compile("(?m)Connection closed by .* \\[preauth\\]$");
        daemon.await(() -> daemon.logMatches(closed).size() == 3, () -> "not every connection's end was logged");
    }

    /**
     * Every failure is matched as often as it was caused; the other lines fail2ban matches are the
     * ends of connections, which its sshd filter marks as no failure (F-NOFAIL).
     */
    @Test
    void theSshdFilterForDaemonSftpdMatchesExactlyTheFailureLines() {
        Outcome run = fail2banRegex("--print-all-matched", SFTPD_FILTER);

        List<String> matched = matchedLines(run);
        assertEquals(matchedCount(run), matched.size(), run::toString);
        assertEquals(failures.size(), matched.stream().filter(l -> !NO_FAILURE.matcher(l).find()).count(),
                run::toString);
        for (String failure : failures) {
            Pattern line = DaemonProcess.linePattern(failure);
            assertEquals(Collections.frequency(failures, failure), matched.stream().filter(l -> line.matcher(l).find())
                    .count(), () -> "fail2ban should match \"" + failure + "\" as often as it was caused: " + run);
        }
    }

    /** An address for every line matched (failures and connection ends alike), and it is the client's. */
    @Test
    void theSshdFilterForDaemonSftpdFindsTheClientsAddressInEveryFailure() {
        int matched = matchedCount(fail2banRegex("--print-all-matched", SFTPD_FILTER));
        Outcome run = fail2banRegex("--out=ip", SFTPD_FILTER);

        assertEquals(Collections.nCopies(matched, "127.0.0.1"), List.of(run.stdout().strip().split("\n")),
                run::toString);
    }

    /** The filter's default daemon name is sshd: our program name, sftpd, is what keeps the lines apart. */
    @Test
    void theSshdFilterWithItsDefaultDaemonNameMatchesNone() {
        Outcome run = fail2banRegex("--print-no-missed", "sshd");

        assertEquals(0, matchedCount(run), run::toString);
        assertTrue(Text.read(syslog.file()).lines().allMatch(l -> l.contains(" sftpd[")),
                () -> "every line should come from sftpd[pid]:\n" + Text.read(syslog.file()));
    }

    private static Outcome fail2banRegex(String option, String filter) {
        return Run.run(List.of("fail2ban-regex", option, syslog.file().toString(), filter), Map.of(), "")
                .assertExit(0);
    }

    private static List<String> matchedLines(Outcome run) {
        return Arrays.stream(run.stdout().split("\n")).dropWhile(l -> !l.startsWith("|- Matched"))
                .skip(1).takeWhile(l -> l.startsWith("|  ")).map(l -> l.substring(3)).toList();
    }

    private static int matchedCount(Outcome run) {
        Matcher summary = SUMMARY.matcher(run.stdout());
        assertTrue(summary.find(), () -> "no summary from fail2ban-regex: " + run);
        return Integer.parseInt(summary.group(3));
    }
}
