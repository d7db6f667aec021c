// The limits the monitor keeps on one connection: MaxAuthTries and LoginGraceTime.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LimitsIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    private static DaemonProcess twoTries;
    private static DaemonProcess threeSecondsGrace;

    @BeforeAll
    static void start() {
        twoTries = sftpd.startDaemon("MaxAuthTries 2");
        threeSecondsGrace = sftpd.startDaemon("LoginGraceTime 3");
    }

    @Test
    void theSecondWrongPasswordOfTwoAllowedEndsTheConnection() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        OpenSsh.Prompted run = twoTries.clients().prompted(alice.name(),
                Login.password("not-" + alice.password()).attempts(3));

        run.outcome().assertRefused("Too many authentication failures");
        assertEquals(2, run.prompts(), () -> "the third password should never be asked for: " + run.outcome());
        twoTries.awaitLine("maximum authentication attempts exceeded for " + alice + " from 127.0.0.1 port "
                + ANY_PORT + " ssh2");
    }

    /** The client sends its version and nothing more: the monitor ends the connection when the grace time is up. */
    @Test
    void aConnectionStillUnauthenticatedAfterLoginGraceTimeIsClosed() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), threeSecondsGrace.port())) {
            socket.setSoTimeout((int) Run.LIMIT.toMillis());
            long start = System.nanoTime();
            socket.getOutputStream().write("SSH-2.0-OpenSSH_9.2 silent\r\n".getBytes(StandardCharsets.US_ASCII));
            readUntilClosed(socket.getInputStream());
            Duration open = Duration.ofNanos(System.nanoTime() - start);

            assertTrue(open.compareTo(Duration.ofMillis(2900)) >= 0 && open.compareTo(Duration.ofSeconds(15)) < 0,
                    () -> "closed after " + open.toMillis() + " ms, not about 3 s");
            threeSecondsGrace.awaitLine("Timeout before authentication for 127.0.0.1 port " + socket.getLocalPort());
        }
    }

    /** Reads what the server sends (its version and key exchange offer) until it closes or resets the connection. */
    private static void readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // The server's greeting: of no interest here.
            }
        } catch (SocketException reset) {
            // A reset closes the connection as well as an end of stream does.
        }
    }
}
