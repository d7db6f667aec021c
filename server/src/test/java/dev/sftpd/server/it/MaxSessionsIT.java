// MaxSessions as sshd: one connection (an OpenSSH control master) gets at most that many sftp sessions at once.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MaxSessionsIT {
    private static final int MAX_SESSIONS = 2;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("MaxSessions " + MAX_SESSIONS);

    @Test
    void aSessionPastMaxSessionsOnOneConnectionIsRefusedAndTheOthersGoOn() throws Exception {
        SystemUser alice = sftpd.user("alice");
        Path control = sftpd.dir().resolve("control-" + alice.name());
        OpenSsh clients = sftpd.clients();
        List<String> viaMaster = List.of("-o", "ControlPath=" + control);
        Process master = new ProcessBuilder(clients.sshCommand(alice,
                List.of("-M", "-N", "-o", "ControlMaster=yes", "-o", "ControlPath=" + control)))
                .redirectErrorStream(true).redirectOutput(sftpd.dir().resolve("master.log").toFile()).start();
        List<OpenSftp> open = new ArrayList<>();
        try {
            sftpd.daemon().await(() -> Files.exists(control), () -> "no control socket " + control);
            for (int i = 0; i < MAX_SESSIONS; i++) {
                open.add(clients.openSftp(alice, viaMaster));
            }

            Outcome refused = clients.sftp(alice, viaMaster, "pwd");

            assertNotEquals(0, refused.exitCode(), "a session past MaxSessions: " + refused);
            assertEquals(MAX_SESSIONS, sessionsOf(alice), "engines running for the connection");
            open.get(0).send("mkdir still-served");
            for (OpenSftp session : open) {
                session.finish().assertExit(0);
            }
            assertEquals(true, Files.isDirectory(alice.home().resolve("still-served")));
        } finally {
            open.forEach(OpenSftp::close);
            master.destroy();
            master.waitFor();
        }
    }

    /** The daemon's session processes that carry the user's loginuid: one per running engine. */
    private static long sessionsOf(SystemUser user) throws IOException {
        return sftpd.daemon().children().stream().filter(pid -> ProcFs.loginUid(pid) == user.uid()).count();
    }
}
