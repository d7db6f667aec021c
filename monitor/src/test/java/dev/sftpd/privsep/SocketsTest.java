// Sockets: listening, accepting, addresses, byte transfer, close-on-exec and shutdown as a wake-up.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.sftp.posix.SysCallException;
import dev.sftpd.testkit.Root;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SocketsTest {
    private static final int F_GETFD = 1;
    private static final int FD_CLOEXEC = 1;

    private static Fd listenOnLoopback(String ip) throws Exception {
        return Sockets.listen(new InetSocketAddress(InetAddress.getByName(ip), 0), 8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void acceptReportsTheClientAndLocalAddresses(String ip) throws Exception {
        try (Fd listener = listenOnLoopback(ip); Socket client = new Socket()) {
            InetSocketAddress bound = Sockets.localAddress(listener);
            assertEquals(InetAddress.getByName(ip), bound.getAddress());
            assertNotEquals(0, bound.getPort());

            client.connect(bound);
            Sockets.Accepted accepted = Sockets.accept(listener, true);
            accepted.fd().close();
            assertEquals(client.getLocalSocketAddress(), accepted.peer());
            assertEquals(bound, accepted.local());
        }
    }

    @Test
    void bytesCrossATcpConnectionBothWays() throws Exception {
        try (Fd listener = listenOnLoopback("127.0.0.1"); Socket client = new Socket()) {
            client.connect(Sockets.localAddress(listener));
            try (Fd conn = Sockets.accept(listener, true).fd()) {
                byte[] hello = "SSH-2.0-sftpd\r\n".getBytes(StandardCharsets.US_ASCII);
                Sockets.writeFully(conn.fd(), hello, 0, hello.length);
                assertArrayEquals(hello, client.getInputStream().readNBytes(hello.length));

                client.getOutputStream().write(new byte[] {1, 2, 3});
                byte[] buf = new byte[10];
                int n = Sockets.read(conn.fd(), buf, 4, 6);
                assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(buf, 4, 4 + n));

                client.shutdownOutput();
                assertEquals(0, Sockets.read(conn.fd(), buf, 0, buf.length), "read at EOF");
            }
        }
    }

    @Test
    void socketpairEndsTalkToEachOther() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd a = pair[0]; Fd b = pair[1]) {
            byte[] big = new byte[100_000];
            new Random(1).nextBytes(big);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    Sockets.writeFully(a.fd(), big, 0, big.length);
                } catch (SysCallException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] got = new byte[big.length];
            for (int off = 0, n; off < got.length; off += n) {
                n = Sockets.read(b.fd(), got, off, got.length - off);
                assertTrue(n > 0, "premature EOF at " + off);
            }
            writer.get(10, TimeUnit.SECONDS);
            assertArrayEquals(big, got);
        }
    }

    /** What a socket pair's end takes, unread, before a send would block. */
    private static int unreadCapacity(Fd from) throws SysCallException {
        byte[] chunk = new byte[16 * 1024];
        int total = 0;
        for (int sent; (sent = Sockets.sendNow(from.fd(), chunk, 0, chunk.length)) > 0; ) {
            total += sent;
        }
        return total;
    }

    @Test
    void aLargerSendBufferLetsMoreWaitUnread() throws Exception {
        Root.assume("beyond net.core.wmem_max only root may set a send buffer");
        Fd[] usual = Sockets.socketpair();
        Fd[] larger = Sockets.socketpair();
        try (Fd a = usual[0]; Fd b = usual[1]; Fd c = larger[0]; Fd d = larger[1]) {
            Sockets.setSendBuffer(c, 512 * 1024);

            int before = unreadCapacity(a);
            int after = unreadCapacity(c);

            assertTrue(after >= 512 * 1024, "a 512 KiB send buffer held " + after + " bytes unread");
            assertTrue(after > 2 * before, "the default held " + before + " bytes, the larger " + after);
        }
    }

    @Test
    void everyDescriptorIsCloseOnExec() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd listener = listenOnLoopback("::1"); Socket client = new Socket(); Fd a = pair[0]; Fd b = pair[1]) {
            client.connect(Sockets.localAddress(listener));
            try (Fd conn = Sockets.accept(listener, true).fd()) {
                for (Fd fd : new Fd[] {listener, conn, a, b}) {
                    assertEquals(FD_CLOEXEC, Libc.C.fcntl(fd.fd(), F_GETFD, 0) & FD_CLOEXEC, fd + " lacks FD_CLOEXEC");
                }
            }
        }
    }

    @Test
    void shutdownWakesAThreadBlockedInAccept() throws Exception {
        try (Fd listener = listenOnLoopback("127.0.0.1")) {
            CompletableFuture<Sockets.Accepted> accepting = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sockets.accept(listener, true);
                } catch (SysCallException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            Sockets.shutdown(listener.fd());
            ExecutionException woke = assertThrows(ExecutionException.class, () -> accepting.get(10, TimeUnit.SECONDS));
            assertTrue(woke.getCause().getCause() instanceof SysCallException, woke.toString());
        }
    }

    @Test
    @SuppressWarnings("try") // the peer is held open only so that the read blocks
    void shutdownWakesAThreadBlockedInRead() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd a = pair[0]; Fd b = pair[1]) {
            CompletableFuture<Integer> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return Sockets.read(a.fd(), new byte[1], 0, 1);
                } catch (SysCallException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(200);
            Sockets.shutdown(a.fd());
            assertEquals(0, reading.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void listeningOnABusyPortNamesTheAddress() throws Exception {
        try (Fd first = listenOnLoopback("127.0.0.1")) {
            InetSocketAddress taken = Sockets.localAddress(first);
            SysCallException e = assertThrows(SysCallException.class, () -> Sockets.listen(taken, 8));
            assertEquals(98, e.errno(), e.getMessage()); // EADDRINUSE
            assertTrue(e.getMessage().contains(taken.toString()), e.getMessage());
        }
    }

    @Test
    void closeIsIdempotentAndForbidsLaterUse() throws Exception {
        Fd[] pair = Sockets.socketpair();
        pair[1].close();
        pair[0].close();
        pair[0].close();
        assertThrows(IllegalStateException.class, pair[0]::fd);
    }

    /** Only the bytes read(2) returned reach the buffer: the rest of the range asked for keeps what it held. */
    @Test
    void aShortReadLeavesTheRestOfTheBufferAsItWas() throws Exception {
        Fd[] pipe = Sockets.pipe();
        try (Fd in = pipe[0]; Fd out = pipe[1]) {
            byte[] sent = {1, 2, 3};
            Sockets.writeFully(out.fd(), sent, 0, sent.length);
            byte[] buf = new byte[300_000];
            Arrays.fill(buf, (byte) 0x55);
            assertEquals(3, Sockets.read(in.fd(), buf, 7, 256 * 1024));
            assertArrayEquals(sent, Arrays.copyOfRange(buf, 7, 10));
            byte[] untouched = new byte[buf.length - 3];
            Arrays.fill(untouched, (byte) 0x55);
            byte[] rest = new byte[buf.length - 3];
            System.arraycopy(buf, 0, rest, 0, 7);
            System.arraycopy(buf, 10, rest, 7, buf.length - 10);
            assertArrayEquals(untouched, rest);

            Sockets.writeFully(out.fd(), sent, 0, 1);
            assertThrows(IndexOutOfBoundsException.class, () -> Sockets.read(in.fd(), buf, buf.length - 1, 2));
            assertEquals(1, Sockets.read(in.fd(), buf, 0, 1), "the refused read consumed nothing");
        }
    }
}
