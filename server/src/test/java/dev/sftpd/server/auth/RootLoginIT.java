// PermitRootLogin for root's public keys: no, prohibit-password and forced-commands-only.
package dev.sftpd.server.auth;

import static dev.sftpd.server.auth.Daemon.ANY_PORT;

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
    static final Sftpd sftpd = new Sftpd();
    /** Root's keys: one plain, one whose authorized_keys line forces the command internal-sftp. */
    private static Path plainKey;
    private static Path forcedKey;
    private static Daemon refusing;
    private static Daemon keysOnly;
    private static Daemon forcedCommandsOnly;

    @BeforeAll
    static void start() throws IOException {
        plainKey = Keys.generate(sftpd.dir().resolve("root_key"), "root");
        forcedKey = Keys.generate(sftpd.dir().resolve("root_forced_key"), "root, forced");
        Path authorized = Files.createDirectory(sftpd.dir().resolve("authorized"));
        Files.writeString(authorized.resolve("root"), Run.read(Path.of(plainKey + ".pub"))
                + "command=\"internal-sftp\" " + Run.read(Path.of(forcedKey + ".pub")));
        String keysFile = "AuthorizedKeysFile " + authorized + "/%u";
        refusing = sftpd.start("PermitRootLogin no", keysFile, "StrictModes no");
        keysOnly = sftpd.start("PermitRootLogin prohibit-password", keysFile, "StrictModes no");
        forcedCommandsOnly = sftpd.start("PermitRootLogin forced-commands-only", keysFile, "StrictModes no");
    }

    @Test
    void noRefusesRootEvenWithAnAuthorizedKey() {
        sftpd.client(refusing).pwd("root", Login.key(plainKey)).assertPermissionDenied();

        refusing.awaitLine("ROOT LOGIN REFUSED FROM 127.0.0.1 port " + ANY_PORT);
    }

    @Test
    void prohibitPasswordAdmitsRootWithAKey() {
        sftpd.client(keysOnly).pwd("root", Login.key(plainKey)).assertSessionIn(ROOT_HOME);

        keysOnly.awaitLine("Accepted publickey for root from 127.0.0.1 port " + ANY_PORT + " ssh2: ED25519 "
                + Keys.fingerprint(Path.of(plainKey + ".pub")));
    }

    @Test
    void forcedCommandsOnlyAdmitsRootWithAKeyThatForcesACommand() {
        sftpd.client(forcedCommandsOnly).pwd("root", Login.key(forcedKey)).assertSessionIn(ROOT_HOME);

        forcedCommandsOnly.awaitLine("Root login accepted for forced command.");
    }

    @Test
    void forcedCommandsOnlyRefusesRootWithAPlainKey() {
        sftpd.client(forcedCommandsOnly).pwd("root", Login.key(plainKey)).assertPermissionDenied();

        forcedCommandsOnly.awaitLine("ROOT LOGIN REFUSED FROM 127.0.0.1 port " + ANY_PORT);
    }
}
