// ClientAliveInterval/CountMax, TCPKeepAlive, VersionAddendum and Banner with the stock client: a stopped client is cut, a quiet one is not.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConnectionKeywordsIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("ClientAliveInterval 1", "ClientAliveCountMax 2",
            "VersionAddendum Debian-style addendum");

    /** SIGSTOP of the client's ssh: it answers nothing, so after CountMax unanswered asks the daemon ends it. */
    @Test
    void aClientThatStopsAnsweringIsCutAfterCountMaxKeepalives() throws Exception {
        SystemUser alice = sftpd.user("alice");
        try (OpenSftp client = new OpenSsh(sftpd.daemon()).openSftp(alice)) {
            List<ProcessHandle> ssh = client.ssh();
            ssh.forEach(p -> Run.checked("kill", "-STOP", Long.toString(p.pid())));
            try {
                sftpd.daemon().awaitLog("Timeout, client not responding from user " + alice.name() + " 127.0.0.1 port ");
            } finally {
                ssh.forEach(p -> Run.run(List.of("kill", "-CONT", Long.toString(p.pid())), new byte[0]));
            }
        }
    }

    /** A client that is merely quiet answers every ask, and its session goes on. */
    @Test
    void aQuietClientThatAnswersStaysConnected() throws Exception {
        SystemUser bob = sftpd.user("bob");
        try (OpenSftp client = new OpenSsh(sftpd.daemon()).openSftp(bob)) {
            int answered = client.stdoutSoFar().split("Remote working directory", -1).length - 1;
            Thread.sleep(5_000); // five intervals, more than ClientAliveCountMax of them

            client.send("pwd");
            client.send("bye");
            String out = client.finish().assertExit(0).stdout();
            assertEquals(answered + 1, out.split("Remote working directory", -1).length - 1, out);
        }
        assertFalse(sftpd.daemon().logText().contains("Timeout, client not responding from user " + bob.name()));
    }

    @Test
    void theIdentificationLineCarriesTheVersionAddendum() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), sftpd.daemon().port())) {
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertEquals("SSH-2.0-sftpd_0.1 Debian-style addendum", line);
        }
    }

    /** Banner: the file's text, which the stock client prints (at LogLevel INFO) before it authenticates. */
    @Test
    void theBannerIsShownBeforeAuthentication() throws Exception {
        SystemUser dave = sftpd.user("dave");
        Path banner = Files.writeString(sftpd.dir().resolve("banner.txt"), "Authorized use only.\nSecond line.\n");
        Files.setPosixFilePermissions(banner, PosixFilePermissions.fromString("rw-------"));
        DaemonProcess daemon = sftpd.startDaemon("Banner " + banner);

        new OpenSsh(daemon).sftp(dave, List.of("-o", "LogLevel=INFO"), "pwd").assertExit(0)
                .assertStderr("Authorized use only.\nSecond line.\n");
        String without = new OpenSsh(sftpd.daemon()).sftp(dave, List.of("-o", "LogLevel=INFO"), "pwd").assertExit(0)
                .stderr();
        assertFalse(without.contains("Authorized use only."), "no Banner line, no banner: " + without);
    }

    /** TCPKeepAlive yes (the default): the kernel keeps a keepalive timer on the client's connection. */
    @Test
    void tcpKeepAliveIsOnByDefaultAndOffWhenSaidNo() throws Exception {
        SystemUser carol = sftpd.user("carol");
        String on = serverSocketWhileConnected(sftpd.daemon(), carol);
        assertTrue(on.contains("timer:(keepalive"), "SO_KEEPALIVE with the default: " + on);
        String off = serverSocketWhileConnected(sftpd.startDaemon("TCPKeepAlive no"), carol);
        assertFalse(off.contains("keepalive"), "no SO_KEEPALIVE with TCPKeepAlive no: " + off);
    }

    /** ss -o of the daemon's end of a connection: "timer:(keepalive,...)" shows SO_KEEPALIVE. */
    private static String serverSocketWhileConnected(DaemonProcess daemon, SystemUser user) throws Exception {
        try (OpenSftp client = new OpenSsh(daemon).openSftp(user)) {
            Thread.sleep(500); // until nothing is in flight, when the kernel shows the keepalive timer
            String sockets = Run.checked("ss", "-tnoH", "state", "established", "( sport = :" + daemon.port() + " )")
                    .stdout();
            assertFalse(sockets.isBlank(), "the connection is listed");
            return sockets;
        }
    }
}
