// direct-tcpip with the stock client (ssh -W, ssh -L) under AllowTcpForwarding, PermitOpen, Match and key options, to a real TCP server.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ForwardingIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();

    private EchoServer target;

    @BeforeEach
    void startTarget() throws IOException {
        target = new EchoServer();
    }

    @AfterEach
    void stopTarget() throws IOException {
        target.close();
    }

    /** ssh -W: the connection reaches the target, made by a socket the user's process created (ss -e: uid). */
    @Test
    void sshDashWReachesAPermittedTargetThroughTheUsersOwnSocket() throws Exception {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding yes", "PermitOpen 127.0.0.1:" + target.port(),
                "LogLevel VERBOSE");

        Outcome out = stdioForward(daemon, alice, target.port(), "hello through sftpd\n").assertExit(0);

        assertEquals("echo: hello through sftpd\n", out.stdout());
        assertEquals(1, target.clients().size(), target.clients().toString());
        assertTrue(target.clients().get(0).contains(" uid:" + alice.uid() + " "),
                "the connection's socket was made by uid " + alice.uid() + ": " + target.clients());
        daemon.awaitLog("server_request_direct_tcpip: originator ");
        daemon.awaitLog(", target 127.0.0.1 port " + target.port() + " (user " + alice.name()
                + " from 127.0.0.1 port ");
    }

    /** ssh -L: a local port of the client's leads to the target, connection after connection. */
    @Test
    void sshDashLForwardsEachConnectionToThePermittedTarget() throws Exception {
        SystemUser bob = sftpd.user("bob");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding local", "PermitOpen 127.0.0.1:" + target.port());
        int local = DaemonProcess.freePort();
        List<String> command = new OpenSsh(daemon).sshCommand(bob, List.of("-N", "-o", "ExitOnForwardFailure=yes",
                "-L", "127.0.0.1:" + local + ":127.0.0.1:" + target.port()));
        Process ssh = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(sftpd.dir().resolve("ssh-L.out").toFile()).start();
        try {
            Poll.until(() -> listening(local), () -> "ssh -L did not listen on " + local);
            for (String line : List.of("first", "second")) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local)) {
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                    assertEquals("echo: " + line, reader(s).readLine());
                }
            }
            assertEquals(2, target.clients().size(), target.clients().toString());
        } finally {
            ssh.destroy();
            ssh.waitFor();
        }
    }

    /** PermitOpen lists another target: refused in sshd's words, the target never sees a connection. */
    @Test
    void aTargetPermitOpenDoesNotListIsRefused() throws Exception {
        SystemUser carol = sftpd.user("carol");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding yes", "PermitOpen 127.0.0.1:1");

        stdioForward(daemon, carol, target.port(), "x\n").assertExit(255)
                .assertStderr("open failed: administratively prohibited");

        daemon.awaitLog(" to connect to host 127.0.0.1 port " + target.port() + ", but the request was denied.");
        assertEquals(List.of(), target.clients());
    }

    /** sftpd's default, AllowTcpForwarding no: "refused local port forward", as sshd logs it. */
    @Test
    void forwardingIsOffByDefault() throws Exception {
        SystemUser dave = sftpd.user("dave");
        DaemonProcess daemon = sftpd.startDaemon();

        stdioForward(daemon, dave, target.port(), "x\n").assertExit(255)
                .assertStderr("open failed: administratively prohibited");

        daemon.awaitLog("refused local port forward: originator ");
        assertEquals(List.of(), target.clients());
    }

    /** Match decides per user: the one the block names forwards, another is refused by the global no. */
    @Test
    void aMatchBlockTurnsForwardingOnForItsUsersOnly() throws Exception {
        SystemUser erin = sftpd.user("erin");
        SystemUser frank = sftpd.user("frank");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding no", "Match User " + erin.name(),
                "    AllowTcpForwarding yes", "    PermitOpen 127.0.0.1:" + target.port());

        assertEquals("echo: matched\n", stdioForward(daemon, erin, target.port(), "matched\n").assertExit(0).stdout());
        stdioForward(daemon, frank, target.port(), "x\n").assertExit(255)
                .assertStderr("open failed: administratively prohibited");
        assertEquals(1, target.clients().size());
    }

    /** The key's restrict (or no-port-forwarding) and permitopen= limit it further, as in sshd. */
    @Test
    void theKeysOptionsRestrictForwarding() throws Exception {
        SystemUser grace = sftpd.accounts().newUser("grace", "staff");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding yes");

        grace.authorize("rw-------", "restrict " + grace.publicKey());
        stdioForward(daemon, grace, target.port(), "x\n").assertExit(255)
                .assertStderr("open failed: administratively prohibited");

        grace.authorize("rw-------", "restrict,port-forwarding,permitopen=\"127.0.0.1:1\" " + grace.publicKey());
        stdioForward(daemon, grace, target.port(), "x\n").assertExit(255)
                .assertStderr("open failed: administratively prohibited");

        grace.authorize("rw-------", "port-forwarding,permitopen=\"127.0.0.1:" + target.port() + "\" "
                + grace.publicKey());
        assertEquals("echo: key\n", stdioForward(daemon, grace, target.port(), "key\n").assertExit(0).stdout());
    }

    /** Remote forwarding (ssh -R) stays refused even where local forwarding is allowed. */
    @Test
    void remoteForwardingStaysRefused() throws Exception {
        SystemUser ivan = sftpd.user("ivan");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding yes");

        new OpenSsh(daemon).ssh(ivan, List.of("-N", "-o", "ExitOnForwardFailure=yes",
                "-R", "127.0.0.1:0:127.0.0.1:" + target.port())).assertExit(255)
                .assertStderr("remote port forwarding failed");
        assertEquals(List.of(), target.clients());
    }

    /** Nothing listens there: the client hears "connect failed", and the log says why in sshd's words. */
    @Test
    void aTargetThatRefusesTheConnectionIsReportedToTheClient() throws Exception {
        SystemUser heidi = sftpd.user("heidi");
        DaemonProcess daemon = sftpd.startDaemon("AllowTcpForwarding yes");
        int closed = DaemonProcess.freePort();

        stdioForward(daemon, heidi, closed, "x\n").assertExit(255).assertStderr("open failed: connect failed");
        daemon.awaitLog("connect_to 127.0.0.1 port " + closed + ": failed.");
    }

    private static Outcome stdioForward(DaemonProcess daemon, SystemUser user, int port, String input) {
        // At LogLevel INFO the client prints why a channel was refused ("open failed: REASON: ...").
        return new OpenSsh(daemon).ssh(user, input.getBytes(StandardCharsets.US_ASCII),
                List.of("-o", "LogLevel=INFO", "-W", "127.0.0.1:" + port));
    }

    private static boolean listening(int port) {
        return !Run.checked("ss", "-tlnH", "( sport = :" + port + " )").stdout().isBlank();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    /**
     * A line echo server on 127.0.0.1; for each client it records how ss -e sees the client's end
     * of the connection (its uid: is the user who created the socket).
     */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> clients = new CopyOnWriteArrayList<>();
        private final Thread thread = new Thread(this::serve, "echo");

        EchoServer() throws IOException {
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> clients() {
            return new ArrayList<>(clients);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(30_000);
                    clients.add(clientEnd(s.getPort()));
                    String line = reader(s).readLine();
                    OutputStream out = s.getOutputStream();
                    out.write(("echo: " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // closed: the test is over
                }
            }
        }

        /** ss -e of the client's end in any connected state (after the client's EOF it is half closed), once listed. */
        private String clientEnd(int clientPort) {
            String filter = "( dport = :" + port() + " and sport = :" + clientPort + " )";
            for (int tries = 0; tries < 50; tries++) {
                String line = Run.checked("ss", "-tneH", "state", "connected", filter).stdout();
                if (!line.isBlank()) {
                    return line;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return "";
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
