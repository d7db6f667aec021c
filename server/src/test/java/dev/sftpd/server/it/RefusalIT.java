// An SFTP-only server: shells, commands, ptys and every kind of forwarding are refused, even for a user with a real shell.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.Text;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RefusalIT {
    private static final String SFTP_ONLY = "This service allows sftp connections only.";

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    private static SystemUser alice() {
        return sftpd.accounts().user("alice", "/bin/bash");
    }

    @Test
    void aShellIsRefusedWithExitStatus1() {
        sftpd.clients().ssh(alice(), List.of()).assertExit(1).assertStderr(SFTP_ONLY);
    }

    @Test
    void aCommandIsRefusedWithExitStatus1AndNotRun() {
        SystemUser alice = alice();

        sftpd.clients().ssh(alice, List.of(), "touch", "command-ran").assertExit(1).assertStderr(SFTP_ONLY);

        assertFalse(Files.exists(alice.home().resolve("command-ran")));
    }

    @Test
    void aPtyIsRefused() {
        // -tt insists on a pty: the client gives up when the server refuses one.
        sftpd.clients().ssh(alice(), List.of("-tt"), "touch", "command-ran-with-pty")
                .assertExit(255).assertStderr("PTY allocation request failed on channel 0");

        assertFalse(Files.exists(alice().home().resolve("command-ran-with-pty")));
    }

    @Test
    void stdioForwardingIsRefused() {
        // Forwarded to the daemon's own port, a working forward would print its SSH banner.
        sftpd.clients().ssh(alice(), List.of("-o", "LogLevel=INFO", "-W", "127.0.0.1:" + sftpd.daemon().port()))
                .assertExit(255).assertStderr("channel 0: open failed", "stdio forwarding failed")
                .assertStdoutLacks("SSH-2.0");
    }

    @Test
    void remoteForwardingIsRefused() {
        sftpd.clients().ssh(alice(), List.of("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"))
                .assertExit(255).assertStderr("remote port forwarding failed for listen port 0");
    }

    @Test
    void localForwardingIsRefused() throws IOException, InterruptedException {
        int local = DaemonProcess.freePort();
        Path stderr = Files.createTempFile(sftpd.dir(), "ssh-L", ".err");
        List<String> command = sftpd.clients().sshCommand(alice(), List.of("-o", "LogLevel=INFO", "-N", "-L",
                local + ":127.0.0.1:" + sftpd.daemon().port()));
        Process ssh = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(new File("/dev/null")).redirectError(stderr.toFile()).start();
        try {
            // Through a working forward to the daemon's own port, the first bytes would be its banner.
            assertEquals(-1, firstByteThrough(local, ssh), "a forwarded connection closes without a byte");
            Poll.until(() -> Text.read(stderr).contains("open failed"), () -> "ssh -L printed: " + Text.read(stderr));
        } finally {
            Run.stop(ssh);
        }
    }

    /** Connects to the forwarded port once ssh listens on it, and reads one byte (-1 at end of stream). */
    private static int firstByteThrough(int port, Process ssh) throws IOException {
        Socket[] connected = new Socket[1];
        Poll.until(() -> (connected[0] = connectOrNull(port)) != null || !ssh.isAlive(),
                () -> "ssh -L never listened on port " + port);
        if (connected[0] == null) {
            fail("ssh -L exited with status " + ssh.exitValue());
        }
        try (Socket s = connected[0]) {
            s.setSoTimeout((int) Poll.WAIT.toMillis());
            return s.getInputStream().read();
        }
    }

    private static Socket connectOrNull(int port) {
        try {
            return new Socket(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            return null;
        }
    }

}
