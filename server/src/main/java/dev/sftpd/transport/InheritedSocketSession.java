// A MINA IoSession over the client socket the monitor hands the transport: MINA has no inetd mode, so we feed it.
package dev.sftpd.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoService;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

/**
 * One thread reads the socket and hands MINA what arrived; writes go straight to the socket
 * under a lock, in the order MINA encodes packets, except that a thread in {@link #batched}
 * collects its packets and writes them together when it leaves. Blocking writes are safe: an
 * SSH client always reads while it writes.
 */
final class InheritedSocketSession extends AbstractCloseable implements IoSession {
    private static final int READ_BUFFER = 64 * 1024;
    /** Room for a relayed chunk of the engine's (256 KiB) as packets, with their headers, padding and MACs. */
    private static final int BATCH = 512 * 1024;

    private final SocketChannel socket;
    private final IoHandler handler;
    private final Service service = new Service();
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();
    /** Guarded by writeLock: the packets the batching thread has written and the socket has not yet taken. */
    private ByteBuffer batch;
    private Thread batchingThread;
    private final Object readGate = new Object();
    private boolean readSuspended;

    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    /** remote and local as the monitor says: it accepted the connection (and will read PROXY headers). */
    InheritedSocketSession(SocketChannel socket, InetSocketAddress remote, InetSocketAddress local,
                           IoHandler handler) {
        this.socket = socket;
        this.remote = remote;
        this.local = local;
        this.handler = handler;
    }

    /** Runs the read loop on the calling thread until the connection ends. */
    void serve() throws Exception {
        handler.sessionCreated(this);
        ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER);
        try {
            while (isOpen()) {
                awaitReadable();
                int n = socket.read(buf);
                if (n < 0) {
                    break;
                }
                buf.flip();
                handler.messageReceived(this, Readable.readable(buf));
                buf.clear();
            }
        } catch (IOException e) {
            if (isOpen()) {
                handler.exceptionCaught(this, e);
            }
        } finally {
            close(true);
            handler.sessionClosed(this);
        }
    }

    private void awaitReadable() throws InterruptedException {
        synchronized (readGate) {
            while (readSuspended && isOpen()) {
                readGate.wait();
            }
        }
    }

    /** What {@link #batched} runs. */
    interface Writes {
        void run() throws IOException;
    }

    /**
     * Runs writes whose packets go to the socket together when they are done: a relayed chunk of
     * 256 KiB is eight packets, and one write of them all instead of eight (OpenSSH also writes
     * many packets at once) saves the system calls and the loopback's per-segment work. The
     * caller must not wait on the client inside (for the channel's window, say): the packets
     * the client would need to see first would still be here. Another thread's write sends what
     * was collected before its own packet, so the order on the wire is the order MINA encoded.
     */
    void batched(Writes writes) throws IOException {
        synchronized (writeLock) {
            if (batch == null) {
                batch = ByteBuffer.allocateDirect(BATCH);
            }
            batchingThread = Thread.currentThread();
        }
        try {
            writes.run();
        } finally {
            synchronized (writeLock) {
                batchingThread = null;
                sendCollected();
            }
        }
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        synchronized (writeLock) {
            if (batchingThread == Thread.currentThread()) {
                if (buffer.available() > batch.remaining()) {
                    sendCollected();
                }
                if (buffer.available() <= batch.remaining()) {
                    batch.put(buffer.array(), buffer.rpos(), buffer.available());
                    return AbstractIoWriteFuture.fulfilled(this, Boolean.TRUE);
                }
            }
            sendCollected();
            write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
        }
        return AbstractIoWriteFuture.fulfilled(this, Boolean.TRUE);
    }

    /** Sends what the batching thread has collected so far. */
    void sendBatch() throws IOException {
        synchronized (writeLock) {
            sendCollected();
        }
    }

    /** Guarded by writeLock. */
    private void sendCollected() throws IOException {
        if (batch != null && batch.position() > 0) {
            batch.flip();
            try {
                write(batch);
            } finally {
                batch.clear();
            }
        }
    }

    private void write(ByteBuffer out) throws IOException {
        while (out.hasRemaining()) {
            socket.write(out);
        }
    }

    @Override
    public void suspendRead() {
        synchronized (readGate) {
            readSuspended = true;
        }
    }

    @Override
    public void resumeRead() {
        synchronized (readGate) {
            readSuspended = false;
            readGate.notifyAll();
        }
    }

    @Override
    public void shutdownOutputStream() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    protected void doCloseImmediately() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket the peer already dropped: nothing left to do.
        }
        resumeRead();
        super.doCloseImmediately();
    }

    @Override
    public long getId() {
        return 1;
    }

    @Override
    public SocketAddress getAcceptanceAddress() {
        return getLocalAddress();
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public Object getAttribute(Object key) {
        return attributes.get(key);
    }

    @Override
    public Object setAttribute(Object key, Object value) {
        return attributes.put(key, value);
    }

    @Override
    public Object setAttributeIfAbsent(Object key, Object value) {
        return attributes.putIfAbsent(key, value);
    }

    @Override
    public Object removeAttribute(Object key) {
        return attributes.remove(key);
    }

    @Override
    public IoService getService() {
        return service;
    }

    /** The one-session "service" MINA expects a session to belong to. */
    private final class Service extends AbstractCloseable implements IoService {
        private IoServiceEventListener listener;

        @Override
        public Map<Long, IoSession> getManagedSessions() {
            return Map.of(getId(), InheritedSocketSession.this);
        }

        @Override
        public IoServiceEventListener getIoServiceEventListener() {
            return listener;
        }

        @Override
        public void setIoServiceEventListener(IoServiceEventListener listener) {
            this.listener = listener;
        }

        @Override
        protected CloseFuture doCloseGracefully() {
            return InheritedSocketSession.this.close(false);
        }
    }
}
