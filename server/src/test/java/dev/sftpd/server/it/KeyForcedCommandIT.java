// A command forced by the key (authorized_keys command=): sftp with its flags, or no session at all.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KeyForcedCommandIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void aKeyForcingInternalSftpReadOnlyGetsAReadOnlySession() throws IOException {
        SystemUser alice = sftpd.user("alice");
        alice.authorize("rw-------", "command=\"internal-sftp -R\" " + alice.publicKey());
        Path local = Files.writeString(sftpd.dir().resolve("upload"), "not wanted");

        sftpd.clients().sftp(alice, "pwd", "put " + local + " uploaded")
                .assertExit(1).assertStdout("Remote working directory: " + alice.home())
                .assertStderr("Permission denied");

        assertFalse(Files.exists(alice.home().resolve("uploaded")));
    }

    @Test
    void aKeyForcingAnotherCommandGetsNoSftpSession() {
        SystemUser bob = sftpd.user("bob");
        bob.authorize("rw-------", "command=\"/bin/date\" " + bob.publicKey());

        sftpd.clients().sftp(bob, "pwd").assertExit(255)
                .assertStderr("This service allows sftp connections only.");
    }
}
