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
    }

    @Test
    void theSshdFilterForDaemonSftpdMatchesExactlyTheFailureLines() {
        Outcome run = fail2banRegex("--print-all-matched", SFTPD_FILTER);

        assertEquals(failures.size(), matchedCount(run), run::toString);
        List<String> matched = Arrays.stream(run.stdout().split("\n")).dropWhile(l -> !l.startsWith("|- Matched"))
                .skip(1).takeWhile(l -> l.startsWith("|  ")).map(l -> l.substring(3)).toList();
        for (String failure : failures) {
            Pattern line = DaemonProcess.linePattern(failure);
            assertEquals(Collections.frequency(failures, failure), matched.stream().filter(l -> line.matcher(l).find())
                    .count(), () -> "fail2ban should match \"" + failure + "\" as often as it was caused: " + run);
        }
    }

    @Test
    void theSshdFilterForDaemonSftpdFindsTheClientsAddressInEveryFailure() {
        Outcome run = fail2banRegex("--out=ip", SFTPD_FILTER);

        assertEquals(Collections.nCopies(failures.size(), "127.0.0.1"), List.of(run.stdout().strip().split("\n")),
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

    private static int matchedCount(Outcome run) {
        Matcher summary = SUMMARY.matcher(run.stdout());
        assertTrue(summary.find(), () -> "no summary from fail2ban-regex: " + run);
        return Integer.parseInt(summary.group(3));
    }
}
