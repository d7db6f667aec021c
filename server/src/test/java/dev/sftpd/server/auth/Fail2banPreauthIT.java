// fail2ban's sshd filter in mode aggressive counts each pre-authentication protocol error once, with the client's address.
package dev.sftpd.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Rsyslog;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Before the tests, sftpd logs to a private syslog file as in production, and three clients break
 * the protocol before authenticating: an HTTP request instead of an identification line, a packet
 * length of 0xFFFFFFF0 after a good one, and a key exchange method the server does not offer.
 */
class Fail2banPreauthIT {
    private static final String AGGRESSIVE = "sshd[_daemon=sftpd, mode=aggressive]";
    private static final String NORMAL = "sshd[_daemon=sftpd]";
    private static final int ERRORS = 3;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    private static Rsyslog syslog;

    @BeforeAll
    static void breakTheProtocolThreeTimes() {
        syslog = sftpd.startRsyslog();
        DaemonProcess daemon = sftpd.startLoggingTo(syslog, "KexAlgorithms curve25519-sha256");

        sendThenAwaitClose(daemon, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        sendThenAwaitClose(daemon, ByteBuffer.allocate(32).put("SSH-2.0-Probe\r\n".getBytes(StandardCharsets.US_ASCII))
                .putInt(0xFFFFFFF0).array());
        Run.run(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "KexAlgorithms=ecdh-sha2-nistp256",
                "-p", Integer.toString(daemon.port()), "nobody@127.0.0.1"), Map.of(), "").assertExit(255);

        daemon.awaitLine("Bad protocol version identification 'GET / HTTP/1.1' from 127.0.0.1 port "
                + DaemonProcess.ANY_PORT + " [preauth]");
        daemon.awaitLine("ssh_dispatch_run_fatal: Connection from 127.0.0.1 port " + DaemonProcess.ANY_PORT
                + ": message authentication code incorrect [preauth]");
        daemon.awaitLine("Unable to negotiate with 127.0.0.1 port " + DaemonProcess.ANY_PORT + ": no matching key exchange"
                + " method found. Their offer: ecdh-sha2-nistp256,ext-info-c,kex-strict-c-v00@openssh.com [preauth]");
    }

    /**
     * The bad packet length is logged as sshd 9.2 logs it ("ssh_dispatch_run_fatal: Connection
     * from A port P: message authentication code incorrect [preauth]"), which fail2ban counts
     * from 1.1.0 on; Debian 12's 1.0.2 counts it for neither sshd nor sftpd.
     */
    @Test
    void theAggressiveFilterCountsEachErrorOnceFromTheClientsAddress() {
        int counted = fail2banAtLeast(1, 1) ? ERRORS : ERRORS - 1;

        Outcome run = Run.run(List.of("fail2ban-regex", "--out=ip", syslog.file().toString(), AGGRESSIVE),
                Map.of(), "").assertExit(0);

        assertEquals(Collections.nCopies(counted, "127.0.0.1"), List.of(run.stdout().strip().split("\n")),
                run::toString);
    }

    /** As with sshd: the normal mode leaves scanners to the ddos and aggressive modes. */
    @Test
    void theNormalFilterCountsNone() {
        Outcome run = Run.run(List.of("fail2ban-regex", "--out=ip", syslog.file().toString(), NORMAL),
                Map.of(), "").assertExit(0);

        assertEquals("", run.stdout().strip(), run::toString);
    }

    private static boolean fail2banAtLeast(int major, int minor) {
        Matcher version = Pattern.compile("(\\d+)\\.(\\d+)").matcher(Run.run(List.of("fail2ban-regex", "--version"),
                Map.of(), "").assertExit(0).stdout());
        assertTrue(version.find(), "no version from fail2ban-regex --version");
        int found = Integer.parseInt(version.group(1)) * 1000 + Integer.parseInt(version.group(2));
        return found >= major * 1000 + minor;
    }

    /** Waits for the server's identification line, sends {@code bytes} and reads until the server closes. */
    private static void sendThenAwaitClose(DaemonProcess daemon, byte[] bytes) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            in.readNBytes(8);
            socket.getOutputStream().write(bytes);
            while (in.read(new byte[4096]) >= 0) {
                // The server's banner and KEXINIT, then its DISCONNECT.
            }
        } catch (SocketException e) {
            // A reset is a close too.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
