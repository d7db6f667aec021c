// A batching thread's packets reach the client together and in MINA's order, whoever else writes meanwhile.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InheritedSocketSessionTest {
    private static final IoHandler NO_HANDLER = new IoHandler() {
        @Override
        public void sessionCreated(IoSession session) {}

        @Override
        public void sessionClosed(IoSession session) {}

        @Override
        public void exceptionCaught(IoSession session, Throwable cause) {}

        @Override
        public void messageReceived(IoSession session, Readable message) {}
    };

    private SocketChannel client;
    private SocketChannel server;
    private InheritedSocketSession session;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
        }
        client.configureBlocking(false);
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        session = new InheritedSocketSession(server, nowhere, nowhere, NO_HANDLER);
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
    }

    @Test
    void aBatchsPacketsLeaveOnlyWhenItEnds() throws Exception {
        Receiver receiver = new Receiver(8 * 32 * 1024);
        session.batched(() -> {
            for (int i = 0; i < 8; i++) {
                session.writeBuffer(packet((byte) i, 32 * 1024));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            assertEquals(0, receiver.count(), "bytes that left before the batch ended");
        });

        byte[] received = receiver.all();
        for (int i = 0; i < 8; i++) {
            assertEquals(i, received[i * 32 * 1024]);
            assertEquals(i, received[(i + 1) * 32 * 1024 - 1]);
        }
    }

    @Test
    void anotherThreadsPacketFollowsWhatTheBatchHeldBeforeIt() throws Exception {
        Receiver receiver = new Receiver(175);
        session.batched(() -> {
            session.writeBuffer(packet((byte) 1, 100));
            CompletableFuture.runAsync(() -> {
                try {
                    session.writeBuffer(packet((byte) 2, 50));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).orTimeout(10, TimeUnit.SECONDS).join();
            session.writeBuffer(packet((byte) 3, 25));
        });

        byte[] expected = new byte[175];
        Arrays.fill(expected, 0, 100, (byte) 1);
        Arrays.fill(expected, 100, 150, (byte) 2);
        Arrays.fill(expected, 150, 175, (byte) 3);
        assertArrayEquals(expected, receiver.all());
    }

    @Test
    void aPacketLargerThanTheBatchGoesOutWholeAfterWhatCameBefore() throws Exception {
        Receiver receiver = new Receiver(10 + 600 * 1024);
        session.batched(() -> {
            session.writeBuffer(packet((byte) 1, 10));
            session.writeBuffer(packet((byte) 2, 600 * 1024));
        });

        byte[] received = receiver.all();
        assertEquals(1, received[9]);
        assertEquals(2, received[10]);
        assertEquals(2, received[received.length - 1]);
    }

    @Test
    void writesOutsideABatchLeaveAtOnce() throws Exception {
        Receiver receiver = new Receiver(64);
        session.writeBuffer(packet((byte) 7, 64));

        assertArrayEquals(packet((byte) 7, 64).getCompactData(), receiver.all());
    }

    private static ByteArrayBuffer packet(byte fill, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, fill);
        return new ByteArrayBuffer(bytes);
    }

    /** Reads the client's end on its own thread, so that the session's blocking writes never wait on the test. */
    private final class Receiver {
        private final ByteBuffer in;
        private final CompletableFuture<byte[]> done;

        Receiver(int n) {
            in = ByteBuffer.allocate(n);
            done = CompletableFuture.supplyAsync(this::receive);
        }

        synchronized int count() {
            return in.position();
        }

        /** Exactly the n bytes expected, and nothing after them. */
        byte[] all() throws Exception {
            byte[] received = done.get(10, TimeUnit.SECONDS);
            Thread.sleep(50);
            assertEquals(0, client.read(ByteBuffer.allocate(1)), "more than was written");
            return received;
        }

        private byte[] receive() {
            try {
                while (count() < in.capacity()) {
                    synchronized (this) {
                        if (client.read(in) < 0) {
                            throw new IOException("closed after " + in.position() + " bytes");
                        }
                    }
                    Thread.onSpinWait();
                }
                return in.array();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
