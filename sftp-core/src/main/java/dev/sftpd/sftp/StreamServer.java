// Runs an SFTP session over a pair of byte streams: frames requests and answers each as it arrives.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * One thread reads, handles and replies, in arrival order, as sftp-server's loop does: a
 * client with many requests in flight (OpenSSH keeps 64) finds them queued in the stream and
 * answered back to back. Replies are buffered and flushed when no further request is waiting,
 * so pipelined small replies leave in one write. Writing on the thread that read the data
 * keeps it in that core's cache and needs no hand-off: measured, a writer thread cost three
 * futex calls per request and a fresh buffer per READ.
 *
 * <p>Requests are read into native memory, as many as have arrived, and each is copied into
 * the Java array the session decodes, except a WRITE's data: the session writes that to the
 * file from where it was read (SftpSession.process), so an upload's bytes are copied once on
 * their way through, as in sftp-server.
 */
public final class StreamServer {
    private static final SshLog log = SshLog.get(StreamServer.class);
    private static final Posix POSIX = Posix.get();
    private static final int IO_BUFFER = 64 * 1024;
    /** A WRITE's type, id, handle length, offset and data length: what precedes the handle and the data. */
    private static final int WRITE_FIXED = 1 + 4 + 4 + 8 + 4;
    private static final int DATA_HEADER = Sftp.DATA_HEADER;

    private final Input in;
    private final OutputStream out;
    /** The descriptor out writes to, for replies in native memory; -1 when out is not one. */
    private final int outFd;
    /** What has arrived and is not yet handled: [start, end). */
    private final ByteBuffer received = ByteBuffer.allocateDirect(4 + Sftp.MAX_MESSAGE + IO_BUFFER);
    private int start;
    private int end;
    /** How READ replies' data reaches outFd without passing through here; null if it cannot (or not yet tried). */
    private FileSplice splice;
    private boolean spliceTried;
    /** Whether data has been spliced since the output was last seen read to the end. */
    private boolean spliced;
    /** An FXP_DATA reply's length, type, id and data length, before data spliced behind it. */
    private final ByteBuffer dataHeader = ByteBuffer.allocateDirect(DATA_HEADER);

    /** Where requests come from: read(2) on a descriptor, or a stream (the tests'). */
    private interface Input {
        /** Reads into buffer[at, at+len); the count, 0 at end of input. */
        int read(ByteBuffer buffer, int at, int len) throws IOException;
    }

    public StreamServer(InputStream in, OutputStream out) {
        byte[] chunk = new byte[IO_BUFFER];
        this.in = (buffer, at, len) -> {
            int n = in.read(chunk, 0, Math.min(len, chunk.length));
            if (n <= 0) {
                return 0;
            }
            buffer.put(at, chunk, 0, n);
            return n;
        };
        this.out = new BufferedOutputStream(out, IO_BUFFER);
        this.outFd = -1;
    }

    /**
     * Requests come from descriptor inFd and out writes to descriptor outFd: a request is read
     * into native memory and a reply in native memory (a READ's data) is written from there,
     * after what out holds, instead of being copied into Java and out again.
     */
    public StreamServer(int inFd, OutputStream out, int outFd) {
        this.in = (buffer, at, len) -> {
            try {
                return POSIX.read(inFd, buffer, at, len);
            } catch (SysCallException e) {
                throw asIo(e);
            }
        };
        this.out = new BufferedOutputStream(out, IO_BUFFER);
        this.outFd = outFd;
    }

    /** Serves until the client goes away or the session must end; returns sftp-server's exit status. */
    public int run(Function<ReplySink, SftpSession> sessions) {
        SftpSession session = sessions.apply(new ReplySink() {
            @Override
            public void send(byte[] frame, int length) throws IOException {
                out.write(frame, 0, length);
            }

            @Override
            public void send(ByteBuffer frame, int length) throws IOException {
                if (outFd < 0) {
                    ReplySink.super.send(frame, length);
                    return;
                }
                out.flush();
                try {
                    POSIX.writeFully(outFd, frame, 0, length);
                } catch (SysCallException e) {
                    throw asIo(e);
                }
            }

            @Override
            public int sendFileData(int id, int fd, long position, int len) throws IOException, SysCallException {
                if (!spliceTried) {
                    spliceTried = true;
                    splice = outFd < 0 ? null : FileSplice.to(POSIX, outFd);
                }
                int n = splice == null ? -1 : splice.take(fd, position, len);
                if (n <= 0) {
                    return n;
                }
                out.flush();
                Sftp.dataHeader(dataHeader, id, n);
                try {
                    POSIX.writeFully(outFd, dataHeader, 0, DATA_HEADER);
                    splice.give(n);
                } catch (SysCallException e) {
                    throw asIo(e);
                }
                spliced = true;
                return n;
            }

            @Override
            public void awaitSpliced() throws IOException {
                if (!spliced) {
                    return;
                }
                try {
                    splice.awaitRead();
                } catch (SysCallException e) {
                    throw asIo(e);
                }
                spliced = false;
            }
        });
        session.open();
        int status = readLoop(session);
        session.close();
        if (splice != null) {
            splice.close();
        }
        try {
            out.flush();
        } catch (IOException e) {
            log.debug1("write: %s", e.getMessage());
        }
        return status;
    }

    private int readLoop(SftpSession session) {
        byte[] msg = new byte[Sftp.MAX_MESSAGE];
        int len;
        while (true) {
            try {
                if (start == end) {
                    out.flush();
                }
            } catch (IOException e) {
                log.debug1("write eof");
                return 0;
            }
            try {
                if (!fill(4)) {
                    if (start == end) {
                        log.debug1("read eof");
                        return 0;
                    }
                    throw new EOFException();
                }
                len = received.getInt(start);
                if (Integer.toUnsignedLong(len) > Sftp.MAX_MESSAGE) {
                    log.error("bad message from %s local user %s", session.clientAddress(), session.user.name());
                    return SessionEndException.BAD_LENGTH;
                }
                start += 4;
                if (!fill(len)) {
                    throw new EOFException();
                }
            } catch (EOFException e) {
                log.debug1("read eof");
                return 0;
            } catch (IOException e) {
                log.error("read: %s", e.getMessage());
                return 1;
            }
            ByteBuffer request = received.slice(start, len);
            request.get(0, msg, 0, decodedLength(request, len));
            start += len;
            try {
                session.process(msg, len, request);
            } catch (SessionEndException e) {
                return e.exitCode();
            } catch (IOException e) {
                log.debug1("write eof");
                return 0;
            }
        }
    }

    /** A failed read(2) or write(2) on the session's descriptors, as the streams would report it. */
    private static IOException asIo(SysCallException e) {
        return new IOException(e.getMessage(), e);
    }

    /**
     * Whether n bytes have arrived after start, reading what is there (moving the unhandled
     * bytes to the front first if n would not fit behind them); false at the end of input.
     */
    private boolean fill(int n) throws IOException {
        if (received.capacity() - start < n) {
            received.put(0, received, start, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < n) {
            int got = in.read(received, end, received.capacity() - end);
            if (got == 0) {
                return false;
            }
            end += got;
        }
        return true;
    }

    /**
     * How much of a request the session decodes from the Java array: all of it, but for a
     * well-formed WRITE only what precedes the data, which stays in native memory. A WRITE
     * whose lengths do not add up is copied whole, for the decoder to reject as it would.
     */
    private static int decodedLength(ByteBuffer request, int len) {
        if (len < WRITE_FIXED || request.get(0) != Sftp.FXP_WRITE) {
            return len;
        }
        long handle = Integer.toUnsignedLong(request.getInt(5));
        if (handle > len - WRITE_FIXED) {
            return len;
        }
        int head = WRITE_FIXED + (int) handle;
        long data = Integer.toUnsignedLong(request.getInt(head - 4));
        return head + data == len ? head : len;
    }
}
