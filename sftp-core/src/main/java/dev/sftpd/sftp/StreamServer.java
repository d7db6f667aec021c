// Runs an SFTP session over a pair of byte streams: frames requests, answers them in order, writes replies behind.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * Requests are handled one at a time on the calling thread, in arrival order, while a
 * writer thread drains replies; so a client with many requests in flight (OpenSSH keeps
 * 64) never waits for one reply to be written before the next request is read. When
 * replies pile up past {@link #QUEUE_LIMIT} the reader stops taking requests — the same
 * backpressure as sftp-server's poll loop.
 */
public final class StreamServer {
    private static final SshLog log = SshLog.get(StreamServer.class);
    static final int QUEUE_LIMIT = 4 * Sftp.MAX_MESSAGE;
    private static final int IO_BUFFER = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final Object lock = new Object();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean closing;
    private IOException writeFailure;

    public StreamServer(InputStream in, OutputStream out) {
        this.in = new BufferedInputStream(in, IO_BUFFER);
        this.out = new BufferedOutputStream(out, IO_BUFFER);
    }

    /** Serves until the client goes away or the session must end; returns sftp-server's exit status. */
    public int run(Function<ReplySink, SftpSession> sessions) {
        Thread writer = new Thread(this::writeLoop, "sftp-writer");
        writer.setDaemon(true);
        writer.start();
        SftpSession session = sessions.apply(this::enqueue);
        session.open();
        int status = readLoop(session);
        session.close();
        finishWriting(writer);
        return status;
    }

    private int readLoop(SftpSession session) {
        byte[] msg = new byte[Sftp.MAX_MESSAGE];
        byte[] header = new byte[4];
        while (true) {
            try {
                if (!readFully(header, 4, true)) {
                    log.debug1("read eof");
                    return 0;
                }
                long len = Integer.toUnsignedLong((header[0] & 0xff) << 24 | (header[1] & 0xff) << 16
                        | (header[2] & 0xff) << 8 | (header[3] & 0xff));
                if (len > Sftp.MAX_MESSAGE) {
                    log.error("bad message from %s local user %s", session.clientAddress(), session.user.name());
                    return SessionEndException.BAD_LENGTH;
                }
                if (!readFully(msg, (int) len, false)) {
                    return 0;
                }
                session.process(msg, 0, (int) len);
            } catch (SessionEndException e) {
                return e.exitCode();
            } catch (WriteFailedException e) {
                log.debug1("write eof");
                return 0;
            } catch (EOFException e) {
                log.debug1("read eof");
                return 0;
            } catch (IOException e) {
                log.error("read: %s", e.getMessage());
                return 1;
            }
        }
    }

    /** False at a clean end of input before the first byte; EOFException in the middle of a message. */
    private boolean readFully(byte[] buf, int len, boolean atBoundary) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(buf, done, len - done);
            if (n < 0) {
                if (done == 0 && atBoundary) {
                    return false;
                }
                throw new EOFException();
            }
            done += n;
        }
        return true;
    }

    private record Frame(byte[] bytes, int length) {}

    private static final class WriteFailedException extends IOException {
        WriteFailedException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private void enqueue(byte[] frame, int length) throws IOException {
        synchronized (lock) {
            while (queuedBytes > QUEUE_LIMIT && writeFailure == null) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            if (writeFailure != null) {
                throw new WriteFailedException(writeFailure);
            }
            queue.add(new Frame(frame, length));
            queuedBytes += length;
            lock.notifyAll();
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                Frame frame;
                synchronized (lock) {
                    while (queue.isEmpty() && !closing) {
                        lock.wait();
                    }
                    frame = queue.poll();
                }
                if (frame == null) {
                    out.flush();
                    return;
                }
                out.write(frame.bytes(), 0, frame.length());
                boolean idle;
                synchronized (lock) {
                    queuedBytes -= frame.length();
                    lock.notifyAll();
                    idle = queue.isEmpty();
                }
                if (idle) {
                    // Nothing else is ready: push what we have to the client now.
                    out.flush();
                }
            }
        } catch (IOException e) {
            synchronized (lock) {
                writeFailure = e;
                lock.notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finishWriting(Thread writer) {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
