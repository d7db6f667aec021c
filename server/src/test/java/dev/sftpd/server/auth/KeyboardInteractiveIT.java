// keyboard-interactive: PAM's conversation relayed to the client one prompt round at a time.
package dev.sftpd.server.auth;

import static dev.sftpd.server.auth.Daemon.ANY_PORT;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Password authentication is off, so only the PAM conversation can let a client in. */
class KeyboardInteractiveIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withDaemon("UsePAM yes", "KbdInteractiveAuthentication yes",
            "PasswordAuthentication no");

    @Test
    void answeringPamsPasswordPromptOpensASession() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(alice, alice.password()).assertSessionIn(alice.home());

        sftpd.daemon().awaitLine("Accepted keyboard-interactive/pam for " + alice + " from 127.0.0.1 port "
                + ANY_PORT + " ssh2");
    }

    @Test
    void aWrongAnswerIsRefused() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(alice, "not-" + alice.password()).assertPermissionDenied();

        sftpd.daemon().awaitLine("Failed keyboard-interactive/pam for " + alice + " from 127.0.0.1 port "
                + ANY_PORT + " ssh2");
    }

    private static Outcome logIn(LocalUser user, String answer) {
        return sftpd.client().pwd(user.name(), Login.keyboardInteractive(answer));
    }
}
