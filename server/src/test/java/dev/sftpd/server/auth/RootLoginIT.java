// PermitRootLogin for root's public keys: no, prohibit-password and forced-commands-only.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Keys;
import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Root's keys are listed in a scratch AuthorizedKeysFile, never in /root/.ssh, and root's password
 * is never touched. StrictModes is off because that file lies below the world-writable /tmp, which
 * StrictModes refuses (as sshd's would).
 */
class RootLoginIT {
    private static final Path ROOT_HOME = Path.of("/root");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    /** Root's keys: one plain, one whose authorized_keys line forces the command internal-sftp. */
    private static Path plainKey;
    private static Path forcedKey;
    private static DaemonProcess refusing;
    private static DaemonProcess keysOnly;
    private static DaemonProcess forcedCommandsOnly;

    @BeforeAll
    static void start() throws IOException {
        plainKey = Keys.generate(sftpd.dir().resolve("root_key"), "root");
        forcedKey = Keys.generate(sftpd.dir().resolve("root_forced_key"), "root, forced");
        Path authorized = Files.createDirectory(sftpd.dir().resolve("authorized"));
        Files.writeString(authorized.resolve("root"), Text.read(Path.of(plainKey + ".pub"))
                + "command=\"internal-sftp\" " + Text.read(Path.of(forcedKey + ".pub")));
        String keysFile = "AuthorizedKeysFile " + authorized + "/%u";
        refusing = sftpd.startDaemon("PermitRootLogin no", keysFile, "StrictModes no");
        keysOnly = sftpd.startDaemon("PermitRootLogin prohibit-password", keysFile, "StrictModes no");
        forcedCommandsOnly = sftpd.startDaemon("PermitRootLogin forced-commands-only", keysFile, "StrictModes no");
    }

    @Test
    void noRefusesRootEvenWithAnAuthorizedKey() {
        refusing.clients().pwd("root", Login.key(plainKey)).assertPermissionDenied();

        refusing.awaitLine("ROOT LOGIN REFUSED FROM 127.0.0.1 port " + ANY_PORT);
    }

    @Test
    void prohibitPasswordAdmitsRootWithAKey() {
        keysOnly.clients().pwd("root", Login.key(plainKey)).assertSessionIn(ROOT_HOME);

        keysOnly.awaitLine("Accepted publickey for root from 127.0.0.1 port " + ANY_PORT + " ssh2: ED25519 "
                + Keys.fingerprint(Path.of(plainKey + ".pub")));
    }

    @Test
    void forcedCommandsOnlyAdmitsRootWithAKeyThatForcesACommand() {
        forcedCommandsOnly.clients().pwd("root", Login.key(forcedKey)).assertSessionIn(ROOT_HOME);

        forcedCommandsOnly.awaitLine("Root login accepted for forced command.");
    }

    @Test
    void forcedCommandsOnlyRefusesRootWithAPlainKey() {
        forcedCommandsOnly.clients().pwd("root", Login.key(plainKey)).assertPermissionDenied();

        forcedCommandsOnly.awaitLine("ROOT LOGIN REFUSED FROM 127.0.0.1 port " + ANY_PORT);
    }
}
