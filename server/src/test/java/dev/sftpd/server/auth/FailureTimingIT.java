// A wrong password is refused after the same time whether or not the account exists, so timing cannot tell.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * sshd's rule: a failure is answered no sooner than a minimum time fixed per user name (5 ms plus a
 * secret per-name part), doubled until it exceeds the time the check took; PAM's failure delay
 * (about 2 s, randomised) is what the check takes for a real account. One name's failures thus
 * take d or 2d, with the same d whether the account exists or not. The test times six refused
 * answers for one name while its account exists, then six after userdel, and compares the medians
 * of the five pauses between prompts each time, allowing that one doubling and some scheduling slack.
 */
class FailureTimingIT {
    private static final int PROMPTS = 6;
    private static final Duration SLACK = Duration.ofMillis(250);

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("UsePAM yes", "PasswordAuthentication yes", "MaxAuthTries 10");

    @Test
    void aWrongPasswordTakesAsLongWhetherOrNotTheAccountExists() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        List<Duration> existing = refusalPauses(alice.name(), "not-" + alice.password());
        sftpd.accounts().remove(alice);
        List<Duration> missing = refusalPauses(alice.name(), "not-" + alice.password());
        sftpd.daemon().awaitLine("Invalid user " + alice + " from 127.0.0.1 port " + ANY_PORT);

        Duration e = median(existing);
        Duration m = median(missing);
        assertTrue(sameUpToOneDoubling(e, m), () -> "median refusal " + e.toMillis() + " ms while " + alice
                + " existed, " + m.toMillis() + " ms after userdel; pauses " + millis(existing) + " and "
                + millis(missing));
    }

    private static List<Duration> refusalPauses(String user, String password) {
        OpenSsh.Prompted run = sftpd.clients().prompted(user, Login.password(password).attempts(PROMPTS));
        run.outcome().assertPermissionDenied();
        assertEquals(PROMPTS, run.prompts(), run.outcome()::toString);
        return run.pauses();
    }

    private static boolean sameUpToOneDoubling(Duration a, Duration b) {
        return close(a, b) || close(a.multipliedBy(2), b) || close(a, b.multipliedBy(2));
    }

    private static boolean close(Duration a, Duration b) {
        return a.minus(b).abs().compareTo(SLACK) <= 0;
    }

    private static Duration median(List<Duration> pauses) {
        return pauses.stream().sorted().toList().get(pauses.size() / 2);
    }

    private static List<Long> millis(List<Duration> pauses) {
        return pauses.stream().map(Duration::toMillis).toList();
    }
}
