// A client that breaks the protocol before authenticating is disconnected at once, and the daemon says why in sshd's words.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PreauthProtocolErrorIT {
    /** "At once": well under LoginGraceTime (120 s), with room for a busy machine. */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);
    private static final byte[] BANNER = "SSH-2.0-Probe_1.0\r\n".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("KexAlgorithms curve25519-sha256", "Ciphers aes128-ctr");

    @Test
    void aHugePacketLengthAfterTheBannerEndsTheConnectionAtOnce() throws IOException {
        byte[] packet = ByteBuffer.allocate(16).putInt(0xFFFFFFF0).array();

        int port = sendAndAwaitClose(concat(BANNER, packet));

        sftpd.daemon().awaitLog("Bad packet length 4294967280. [preauth]");
        sftpd.daemon().awaitLog("ssh_dispatch_run_fatal: Connection from 127.0.0.1 port " + port
                + ": message authentication code incorrect [preauth]");
    }

    @Test
    void randomBytesAfterTheBannerEndTheConnectionAtOnce() throws IOException {
        byte[] noise = new byte[256];
        new Random(11).nextBytes(noise);
        noise[0] = (byte) 0x9c; // a length over 256 KiB, as nearly every random one is
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(noise).getInt());

        int port = sendAndAwaitClose(concat(BANNER, noise));

        sftpd.daemon().awaitLog("Bad packet length " + length + ". [preauth]");
        sftpd.daemon().awaitLog("ssh_dispatch_run_fatal: Connection from 127.0.0.1 port " + port
                + ": message authentication code incorrect [preauth]");
    }

    @Test
    void aBadIdentificationLineEndsTheConnectionAtOnce() throws IOException {
        int port = sendAndAwaitClose("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        sftpd.daemon().awaitLog("Bad protocol version identification 'GET / HTTP/1.1' from 127.0.0.1 port " + port
                + " [preauth]");
    }

    @Test
    void anEmptyFirstLineEndsTheConnectionAtOnce() throws IOException {
        int port = sendAndAwaitClose("\r\nSSH-2.0-Probe_1.0\r\n".getBytes(StandardCharsets.US_ASCII));

        sftpd.daemon().awaitLog("Bad protocol version identification '' from 127.0.0.1 port " + port + " [preauth]");
    }

    @Test
    void noCommonKeyExchangeMethodIsLoggedWithTheClientsOffer() {
        SystemUser alice = sftpd.user("alice");

        sftpd.clients().ssh(alice, List.of("-o", "LogLevel=INFO", "-o", "KexAlgorithms=ecdh-sha2-nistp256")).assertExit(255)
                .assertStderr("no matching key exchange method found");

        sftpd.daemon().awaitLog(Pattern.compile("Unable to negotiate with 127\\.0\\.0\\.1 port \\d+: no matching key "
                + "exchange method found\\. Their offer: ecdh-sha2-nistp256(,\\S*)? \\[preauth\\]"));
    }

    @Test
    void noCommonCipherIsLoggedWithTheClientsOffer() {
        SystemUser alice = sftpd.user("alice");

        sftpd.clients().ssh(alice, List.of("-o", "LogLevel=INFO", "-o", "Ciphers=aes256-ctr")).assertExit(255)
                .assertStderr("no matching cipher found");

        sftpd.daemon().awaitLog(Pattern.compile("Unable to negotiate with 127\\.0\\.0\\.1 port \\d+: no matching "
                + "cipher found\\. Their offer: aes256-ctr \\[preauth\\]"));
    }

    /**
     * Connects, waits for the server's identification line (a transport may have to start first),
     * sends {@code bytes}, and reads whatever the server says until it closes the connection,
     * which must happen within {@link #AT_ONCE}. Returns the client's port.
     */
    private static int sendAndAwaitClose(byte[] bytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), sftpd.daemon().port())) {
            socket.setSoTimeout((int) Poll.WAIT.toMillis());
            InputStream in = socket.getInputStream();
            assertEquals("SSH-2.0-", new String(in.readNBytes(8), StandardCharsets.US_ASCII), "the server's banner");
            socket.setSoTimeout((int) AT_ONCE.toMillis());
            long start = System.nanoTime();
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            try {
                while (in.read(new byte[4096]) >= 0) {
                    // The rest of the server's banner, its KEXINIT, perhaps a DISCONNECT.
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection was still open after " + AT_ONCE.toSeconds()
                        + " s; daemon log:\n" + sftpd.daemon().logText());
            } catch (SocketException e) {
                // A reset is a close too.
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(AT_ONCE) < 0, "closed after " + took);
            return socket.getLocalPort();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
