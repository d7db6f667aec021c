// Publickey authentication as sshd decides it: authorized_keys, StrictModes, from=; refusals logged in sshd's words.
package dev.sftpd.server.it;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each test logs in as a user of its own, so that the log lines it looks for are its own too. */
class AuthenticationIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("StrictModes yes");

    @Test
    void anAuthorizedKeyLogsTheUserIn() {
        SystemUser alice = sftpd.user("alice");

        sftpd.clients().sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());

        sftpd.daemon().awaitLog(Pattern.compile("Accepted publickey for " + alice + " from 127\\.0\\.0\\.1 port \\d+ "
                + "ssh2: ED25519 " + Pattern.quote(alice.fingerprint())));
        sftpd.daemon().awaitLog(Pattern.compile("Disconnected from user " + alice + " 127\\.0\\.0\\.1 port \\d+"));
    }

    @Test
    void aKeyNotInAuthorizedKeysIsRefused() {
        SystemUser dave = sftpd.user("dave");
        SystemUser someoneElse = sftpd.user("eve");

        assertRefused(sftpd.clients().sftp(dave.name(), someoneElse.key(), "pwd"));

        sftpd.daemon().awaitLog(Pattern.compile(
                "Connection closed by authenticating user " + dave + " 127\\.0\\.0\\.1 port \\d+ \\[preauth\\]"));
    }

    @Test
    void anUnknownUserIsRefused() {
        String stranger = "sftpd-nosuch-" + ProcessHandle.current().pid();

        assertRefused(sftpd.clients().sftp(stranger, sftpd.user("alice").key(), "pwd"));

        String port = sftpd.daemon().awaitLog(Pattern.compile(
                "Invalid user " + stranger + " from 127\\.0\\.0\\.1 port (\\d+)")).group(1);
        sftpd.daemon().awaitLog("Connection closed by invalid user " + stranger + " 127.0.0.1 port " + port
                + " [preauth]");
    }

    @Test
    void aGroupWritableAuthorizedKeysFileIsRefusedUnderStrictModes() {
        SystemUser frank = sftpd.user("frank");
        frank.authorize("rw-rw----", frank.publicKey());

        assertRefused(sftpd.clients().sftp(frank, "pwd"));

        sftpd.daemon().awaitLog("Authentication refused: bad ownership or modes for file " + frank.authorizedKeys());
        sftpd.daemon().awaitLog(Pattern.compile(
                "Connection closed by authenticating user " + frank + " 127\\.0\\.0\\.1 port \\d+ \\[preauth\\]"));
    }

    @Test
    void aGroupWritableAuthorizedKeysFileIsAcceptedWithoutStrictModes() {
        SystemUser gina = sftpd.user("gina");
        gina.authorize("rw-rw----", gina.publicKey());

        try (DaemonProcess lax = sftpd.startDaemon("StrictModes no")) {
            new OpenSsh(lax.port()).sftp(gina, "pwd").assertExit(0);

            lax.awaitLog(Pattern.compile("Accepted publickey for " + gina + " from 127\\.0\\.0\\.1 port \\d+ ssh2: "));
        }
    }

    @Test
    void aKeyAllowedOnlyFromAnotherNetworkIsRefused() {
        SystemUser hank = sftpd.user("hank");
        hank.authorize("rw-------", "from=\"10.0.0.0/8\" " + hank.publicKey());

        assertRefused(sftpd.clients().sftp(hank, "pwd"));

        sftpd.daemon().awaitLog(hank.authorizedKeys() + ":1: Authentication tried for " + hank + " with correct key "
                + "but not from a permitted host (host=127.0.0.1, ip=127.0.0.1, required=10.0.0.0/8).");
    }

    /** Refused as sshd refuses: "Permission denied (publickey)." or, with more methods on offer, "(publickey,...)". */
    private static void assertRefused(Outcome sftp) {
        sftp.assertExit(255).assertStderr("Permission denied (publickey").assertStdoutLacks("Remote working");
    }
}
