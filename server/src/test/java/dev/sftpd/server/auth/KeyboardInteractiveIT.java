// keyboard-interactive: PAM's conversation relayed to the client one prompt round at a time.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;

import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Password authentication is off, so only the PAM conversation can let a client in. */
class KeyboardInteractiveIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("UsePAM yes", "KbdInteractiveAuthentication yes",
            "PasswordAuthentication no");

    @Test
    void answeringPamsPasswordPromptOpensASession() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(alice, alice.password()).assertSessionIn(alice.home());

        sftpd.daemon().awaitLine("Accepted keyboard-interactive/pam for " + alice + " from 127.0.0.1 port "
                + ANY_PORT + " ssh2");
    }

    @Test
    void aWrongAnswerIsRefused() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(alice, "not-" + alice.password()).assertPermissionDenied();

        sftpd.daemon().awaitLine("Failed keyboard-interactive/pam for " + alice + " from 127.0.0.1 port "
                + ANY_PORT + " ssh2");
    }

    private static Outcome logIn(SystemUser user, String answer) {
        return sftpd.clients().pwd(user.name(), Login.keyboardInteractive(answer));
    }
}
