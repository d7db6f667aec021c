// A session request relayed to the SFTP engine the monitor starts for it: channel data to the engine's socket and back.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;

/**
 * The transport never becomes the user: it copies bytes. The client's data goes to the engine
 * from MINA's reading thread while the engine's socket takes it, and from the relay-in thread
 * when it does not; the engine's replies go to the client from the relay-out thread. So the
 * engine's file I/O and the transport's cryptography run on both cores, and a small request
 * reaches the engine without waking a thread.
 */
final class EngineRelay implements Command, ChannelSessionAware {
    private static final SshLog log = SshLog.get(EngineRelay.class);
    /** OpenSSH's client reads and writes up to 256 KiB per request. */
    private static final int CHUNK = 256 * 1024 + 64;
    /**
     * The size of the arrays client data waits in when the engine's socket is full: OpenSSH's
     * clients send at most 32 KiB per packet; a larger piece waits in an array of its own.
     */
    private static final int SLOT = 32 * 1024;
    /** At most this many spare arrays are kept (512 KiB), however much an upload once had waiting. */
    private static final int SPARE_SLOTS = 16;
    /** A CHANNEL_DATA packet's fields before its data: the recipient channel and the data's length. */
    private static final int DATA_HEADER = 8;

    private final MonitorCalls monitor;
    private final String request;
    private final String argument;
    private final ToEngine toEngine = new ToEngine();
    private OutputStream err;
    private ExitCallback exit;
    private volatile Fd engine;
    private boolean destroyed;

    EngineRelay(MonitorCalls monitor, String request, String argument) {
        this.monitor = monitor;
        this.request = request;
        this.argument = argument;
    }

    /** Channel data comes to {@link ToEngine} instead of through an InputStream and a pipe. */
    @Override
    public void setChannelSession(ChannelSession channel) {
        toEngine.channel = channel;
        channel.setDataReceiver(toEngine);
    }

    @Override
    public void setInputStream(InputStream in) {
        // Not called: the channel has a data receiver.
    }

    /** Not written: the engine's replies go out as packets of their own (ToClient); MINA closes it with the channel. */
    @Override
    public void setOutputStream(OutputStream out) {
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        try {
            engine = monitor.startEngine(request, argument, channel.getSession().getClientVersion());
        } catch (MonitorCalls.RefusedException e) {
            // sshd's words on stderr and exit status 1, for a shell, a command, or a forced non-sftp command.
            err.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(1, "sftp only");
            return;
        }
        Thread toEngineLater = new Thread(toEngine::drain, "relay-in");
        Thread fromEngine = new Thread(this::engineToClient, "relay-out");
        toEngineLater.setDaemon(true);
        toEngineLater.start();
        fromEngine.start();
    }

    /**
     * The client's requests to the engine. MINA's reading thread hands over each CHANNEL_DATA;
     * what the engine's socket takes at once goes in at once, the rest waits in order for the
     * relay-in thread, and the channel's window reopens only for bytes the socket has taken, so
     * what waits stays within the window. The reading thread never blocks on the engine: it also
     * reads the WINDOW_ADJUSTs that the engine's replies may be waiting for. At the channel's EOF
     * the engine sees EOF and ends.
     */
    private final class ToEngine implements ChannelDataReceiver {
        private ChannelSession channel;
        /** Guarded by this; a chunk leaves it only once written, so nothing overtakes it. */
        private final ArrayDeque<Chunk> waiting = new ArrayDeque<>();
        /**
         * Guarded by this: arrays of a packet's size whose chunks have been written, for the next
         * chunks to wait in. An upload outruns the engine's pwrite now and then, and a fifth of a
         * 1 GiB put's bytes waited here, each chunk in an array of its own: 185 MB of garbage.
         */
        private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
        private boolean eof;
        private boolean failed;

        @Override
        public int data(ChannelSession channel, byte[] buf, int start, int len) {
            Fd e = engine;
            synchronized (this) {
                if (e == null || failed) {
                    return len; // no engine (refused), or it is gone: the session is ending
                }
                int sent = 0;
                if (waiting.isEmpty()) {
                    try {
                        sent = Sockets.sendNow(e.fd(), buf, start, len);
                    } catch (SysCallException | IllegalStateException x) {
                        log.debug1("relay to the engine: %s", x.getMessage());
                        failed = true;
                        notifyAll();
                        return len;
                    }
                }
                if (sent < len) {
                    int n = len - sent;
                    byte[] bytes = n <= SLOT && !spare.isEmpty() ? spare.pop() : new byte[Math.max(n, SLOT)];
                    System.arraycopy(buf, start + sent, bytes, 0, n);
                    waiting.add(new Chunk(bytes, n));
                    notifyAll();
                }
                return sent;
            }
        }

        @Override
        public synchronized void close() {
            eof = true;
            notifyAll();
        }

        /** The relay-in thread: writes what the socket did not take at once, then passes on EOF. */
        void drain() {
            try {
                for (Chunk chunk; (chunk = next()) != null; ) {
                    Sockets.writeFully(engine.fd(), chunk.bytes, 0, chunk.length);
                    synchronized (this) {
                        waiting.remove();
                        if (chunk.bytes.length == SLOT && spare.size() < SPARE_SLOTS) {
                            spare.push(chunk.bytes);
                        }
                    }
                    channel.getLocalWindow().release(chunk.length);
                }
            } catch (IOException | SysCallException e) {
                log.debug1("relay to the engine: %s", e.getMessage());
            } catch (InterruptedException | IllegalStateException e) {
                return; // the session is being torn down and the engine's socket is closed
            }
            synchronized (this) {
                failed = true;
            }
            try {
                Sockets.shutdownOutput(engine.fd());
            } catch (IllegalStateException e) {
                // closed meanwhile by destroy: the engine sees the end anyway
            }
        }

        /** The oldest chunk still waiting, left in place; null at EOF with nothing waiting, or after a failure. */
        private synchronized Chunk next() throws InterruptedException {
            while (waiting.isEmpty() && !eof && !failed) {
                wait();
            }
            return failed ? null : waiting.peek();
        }
    }

    /** The first length bytes of bytes: channel data waiting for the engine's socket. */
    private record Chunk(byte[] bytes, int length) {}

    /** The engine's replies to the client; the engine's end of the socket closing ends the session. */
    private void engineToClient() {
        byte[] buf = new byte[CHUNK];
        int status = 0;
        ChannelSession channel = toEngine.channel;
        InheritedSocketSession socket =
                channel.getSession().getIoSession() instanceof InheritedSocketSession s ? s : null;
        ToClient toClient = new ToClient(channel);
        try {
            for (int n; (n = Sockets.read(engine.fd(), buf, 0, buf.length)) > 0; ) {
                int length = n;
                InheritedSocketSession.Writes relay = () -> toClient.send(buf, length);
                // More than one packet's worth, or there is nothing to batch (and an idle session
                // never allocates the batch's buffer). The window only grows under us (the client's
                // adjustments): if the chunk fits now, nothing in the batch waits for the client.
                RemoteWindow window = channel.getRemoteWindow();
                if (socket != null && n > window.getPacketSize() && window.getSize() >= n) {
                    socket.batched(relay);
                } else {
                    relay.run();
                }
            }
        } catch (IOException | SysCallException e) {
            log.debug1("relay from the engine: %s", e.getMessage());
            status = 255;
        }
        exit.onExit(status);
    }

    /**
     * The engine's replies as CHANNEL_DATA packets: each at most the client's packet size, each
     * sent once the client's window holds it, waiting as long as MINA's ChannelOutputStream
     * would. Unlike that stream, which takes a new packet buffer of some 32 KiB for every packet
     * (a young collection every 40-odd packets with the transport's small heap: 700 of them in a
     * 1 GiB download), one buffer serves packet after packet: MINA encrypts a packet in its
     * buffer and InheritedSocketSession writes it or copies it into the batch before writePacket
     * returns, so a write that is done leaves the buffer ours again. One that is not (a key
     * re-exchange holds channel data until it ends) keeps its buffer, and the next packet takes
     * a new one.
     */
    private static final class ToClient {
        private final ChannelSession channel;
        private final Session session;
        private final RemoteWindow window;
        private final Duration timeout;
        /** The buffer the last packet was written from, free again; null while MINA holds it. */
        private Buffer free;

        ToClient(ChannelSession channel) {
            this.channel = channel;
            this.session = channel.getSession();
            this.window = channel.getRemoteWindow();
            this.timeout = CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.getRequired(channel);
        }

        void send(byte[] data, int length) throws IOException {
            try {
                for (int offset = 0; offset < length; ) {
                    session.resetIdleTimeout();
                    long room = Math.min(window.waitForSpace(timeout), window.getPacketSize());
                    int n = (int) Math.min(room, length - offset);
                    Buffer packet = free != null ? session.prepareBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, free)
                            : session.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA,
                                    DATA_HEADER + (int) Math.min(window.getPacketSize(), CHUNK));
                    free = null;
                    packet.putUInt(channel.getRecipient());
                    packet.putBytes(data, offset, n);
                    window.waitAndConsume(n, timeout);
                    if (channel.writePacket(packet).isDone()) {
                        free = packet;
                    }
                    offset += n;
                }
            } catch (InterruptedException e) {
                throw (IOException) new InterruptedIOException("relay to the client interrupted").initCause(e);
            }
        }
    }

    /**
     * Once: MINA may destroy a command from the channel's graceful close and again from its
     * immediate close, and a second shutdown of the closed socket fails ("fd N is closed", once in
     * a bench run of 135 sessions).
     */
    @Override
    public synchronized void destroy(ChannelSession channel) {
        Fd e = engine;
        toEngine.close();
        if (e != null && !destroyed) {
            destroyed = true;
            Sockets.shutdown(e.fd());
            e.close();
        }
    }
}
