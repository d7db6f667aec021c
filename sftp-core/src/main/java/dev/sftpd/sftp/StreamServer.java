// Runs an SFTP session over a pair of byte streams: frames requests and answers each as it arrives.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.BufferedInputStream;
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
 */
public final class StreamServer {
    private static final SshLog log = SshLog.get(StreamServer.class);
    private static final int IO_BUFFER = 64 * 1024;

    private final BufferedInputStream in;
    private final OutputStream out;
    /** The descriptor out writes to, for replies in native memory; -1 when out is not one. */
    private final int outFd;

    public StreamServer(InputStream in, OutputStream out) {
        this(in, out, -1);
    }

    /**
     * out writes to descriptor outFd: a reply in native memory (a READ's data) is then written
     * from there, after what out holds, instead of being copied into Java and out again.
     */
    public StreamServer(InputStream in, OutputStream out, int outFd) {
        this.in = new BufferedInputStream(in, IO_BUFFER);
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
                    Posix.get().writeFully(outFd, frame, 0, length);
                } catch (SysCallException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        });
        session.open();
        int status = readLoop(session);
        session.close();
        try {
            out.flush();
        } catch (IOException e) {
            log.debug1("write: %s", e.getMessage());
        }
        return status;
    }

    private int readLoop(SftpSession session) {
        byte[] msg = new byte[Sftp.MAX_MESSAGE];
        byte[] header = new byte[4];
        int len;
        while (true) {
            try {
                if (in.available() == 0) {
                    out.flush();
                }
            } catch (IOException e) {
                log.debug1("write eof");
                return 0;
            }
            try {
                if (!readFully(header, 4, true)) {
                    log.debug1("read eof");
                    return 0;
                }
                len = lengthOf(header);
                if (Integer.toUnsignedLong(len) > Sftp.MAX_MESSAGE) {
                    log.error("bad message from %s local user %s", session.clientAddress(), session.user.name());
                    return SessionEndException.BAD_LENGTH;
                }
                if (!readFully(msg, len, false)) {
                    return 0;
                }
            } catch (EOFException e) {
                log.debug1("read eof");
                return 0;
            } catch (IOException e) {
                log.error("read: %s", e.getMessage());
                return 1;
            }
            try {
                session.process(msg, 0, len);
            } catch (SessionEndException e) {
                return e.exitCode();
            } catch (IOException e) {
                log.debug1("write eof");
                return 0;
            }
        }
    }

    private static int lengthOf(byte[] header) {
        return (header[0] & 0xff) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
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
}
