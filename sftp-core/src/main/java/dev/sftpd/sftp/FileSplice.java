// A READ's data moved from the file to the session's output by the kernel, through a pipe of the session's.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * splice(2) from the file into a pipe takes references to the file's cached pages, and from the
 * pipe into the output (the transport's socket, or the pipe to sshd or sftp -D) hands on those
 * references: the data is not copied until its reader copies it out, so a request that may
 * change a file first waits for that ({@link #awaitRead}). pread and write copy it
 * twice in this process: a daemon's engine spent 244 ms of CPU on a 1 GiB get that way, 168 ms
 * spliced (docs/BENCHMARKS.md, 2026-12-07 23:00).
 *
 * <p>The pipe holds a whole READ wherever it starts in a page: 255 KiB from an offset inside a
 * page spans 65 pages, and a pipe holds a page per slot. A session whose user has used up its
 * pipe allowance (fs.pipe-user-pages-soft), an output that is neither a pipe nor a socket, or a
 * file that cannot be spliced (a /proc file, some FUSE file systems: EINVAL) is read and written
 * as before.
 */
final class FileSplice implements AutoCloseable {
    private static final SshLog log = SshLog.get(FileSplice.class);
    /** Room for a READ's data starting anywhere in a page, rounded up to a power of two pages by the kernel. */
    private static final int PIPE_SIZE = 2 * Sftp.MAX_MESSAGE;

    private static final long QUEUE_POLL_NANOS = 100_000;

    private final Posix posix;
    private final int out;
    private final boolean socket;
    private final int pipeIn;
    private final int pipeOut;

    private FileSplice(Posix posix, int out, boolean socket, int[] pipe) {
        this.posix = posix;
        this.out = out;
        this.socket = socket;
        this.pipeIn = pipe[0];
        this.pipeOut = pipe[1];
    }

    /** A splice to descriptor out, or null when out is not a pipe or socket or the pipe cannot hold a READ. */
    static FileSplice to(Posix posix, int out) {
        int[] pipe;
        int type;
        try {
            type = posix.fstat(out).mode() & Stat.S_IFMT;
            if (type != Stat.S_IFIFO && type != Stat.S_IFSOCK) {
                return null;
            }
            pipe = posix.pipe();
        } catch (SysCallException e) {
            log.debug1("no splice to fd %d: %s", out, e.getMessage());
            return null;
        }
        FileSplice splice = new FileSplice(posix, out, type == Stat.S_IFSOCK, pipe);
        try {
            if (posix.setPipeSize(pipe[1], PIPE_SIZE) >= PIPE_SIZE) {
                return splice;
            }
        } catch (SysCallException e) {
            log.debug1("no splice to fd %d: %s", out, e.getMessage());
        }
        splice.close();
        return null;
    }

    /**
     * Moves up to len bytes of file fd from position into the pipe; the count, 0 at the end of
     * the file, or -1 when the file cannot be spliced (nothing moved).
     */
    int take(int fd, long position, int len) throws SysCallException {
        try {
            return posix.splice(fd, position, pipeOut, len);
        } catch (SysCallException e) {
            if (e.errno() == Errno.EINVAL) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Waits until the output's reader has read every byte given, reading the output's queue
     * (SIOCOUTQ of a socket: for a Unix socket what the peer has not read yet; FIONREAD of a
     * pipe) every 100 µs.
     */
    void awaitRead() throws SysCallException {
        while (posix.queued(out, socket) > 0) {
            LockSupport.parkNanos(QUEUE_POLL_NANOS);
        }
    }

    /** Moves the n bytes taken on to the output; a failure leaves the output's stream broken. */
    void give(int n) throws SysCallException, IOException {
        for (int done = 0; done < n; ) {
            int moved = posix.splice(pipeIn, -1, out, n - done);
            if (moved == 0) {
                throw new IOException("splice: the pipe held " + done + " of " + n + " bytes");
            }
            done += moved;
        }
    }

    @Override
    public void close() {
        for (int fd : new int[] {pipeIn, pipeOut}) {
            try {
                posix.close(fd);
            } catch (SysCallException e) {
                log.debug1("close pipe: %s", e.getMessage());
            }
        }
    }
}
