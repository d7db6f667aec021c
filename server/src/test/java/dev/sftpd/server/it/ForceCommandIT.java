// ForceCommand internal-sftp: whatever the client asks for, it gets the SFTP server with the forced flags.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ForceCommandIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("ForceCommand internal-sftp -R");

    @Test
    void aShellRequestGetsTheSftpServer() {
        // SSH_FXP_INIT, version 3: an SFTP server answers SSH_FXP_VERSION (type 2), version 3.
        byte[] init = {0, 0, 0, 5, 1, 0, 0, 0, 3};

        Outcome shell = sftpd.clients().ssh(sftpd.user("alice"), init, List.of()).assertExit(0);

        assertEquals("\u0002\u0000\u0000\u0000\u0003", shell.stdout().substring(4, 9), "type and version in " + shell);
    }

    @Test
    void anUploadIsRefusedInReadOnlyMode() throws IOException {
        SystemUser alice = sftpd.user("alice");
        Path local = Files.writeString(sftpd.dir().resolve("upload"), "not wanted");

        sftpd.clients().sftp(alice, "pwd", "put " + local + " uploaded")
                .assertExit(1).assertStdout("Remote working directory: " + alice.home())
                .assertStderr("Permission denied");

        assertFalse(Files.exists(alice.home().resolve("uploaded")));
    }
}
