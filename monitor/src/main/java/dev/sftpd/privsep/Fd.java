// A file descriptor this process owns, closed exactly once.
package dev.sftpd.privsep;

import java.util.concurrent.atomic.AtomicBoolean;

/** A connected or listening socket, or a socketpair end: an int fd owned by this process. */
public final class Fd implements AutoCloseable {
    private final int fd;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Fd(int fd) {
        this.fd = fd;
    }

    /** The descriptor number; refused after close, when the number may already name another file. */
    public int fd() {
        if (!open.get()) {
            throw new IllegalStateException("fd " + fd + " is closed");
        }
        return fd;
    }

    /**
     * Idempotent. Errors are ignored: Linux releases the number even when close(2) reports
     * EINTR or EIO, so there is nothing to retry.
     */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            Libc.C.close(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
