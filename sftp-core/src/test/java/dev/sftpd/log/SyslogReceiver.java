// A stand-in for syslogd: binds an AF_UNIX socket and hands back what arrived, without waiting.
package dev.sftpd.log;

import static dev.sftpd.log.SyslogSocket.AF_UNIX;
import static dev.sftpd.log.SyslogSocket.SOCK_CLOEXEC;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** SyslogSocket's send has completed when the log call returns, so receive never needs to block. */
final class SyslogReceiver implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;
    private static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");

    /** syslogd's half of the socket calls. */
    public interface Libc {
        int socket(int domain, int type, int protocol);

        int close(int fd);

        int bind(int fd, @In byte[] address, int length);

        int listen(int fd, int backlog);

        int accept(int fd, Pointer address, Pointer length);

        long recv(int fd, @Out byte[] buf, long length, int flags);

        int unlink(@In byte[] path);
    }

    private final String path;
    private final int fd;

    private SyslogReceiver(String path, int type) {
        this.path = path;
        this.fd = LIBC.socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
        byte[] address = SyslogSocket.sockaddr(path);
        if (fd < 0 || LIBC.bind(fd, address, address.length) != 0) {
            throw new IllegalStateException("cannot bind " + path);
        }
    }

    static SyslogReceiver datagrams(String path) {
        return new SyslogReceiver(path, SyslogSocket.SOCK_DGRAM);
    }

    /** Listens on a stream socket, which a datagram connect() answers with EPROTOTYPE. */
    static SyslogReceiver stream(String path) {
        SyslogReceiver receiver = new SyslogReceiver(path, SyslogSocket.SOCK_STREAM);
        LIBC.listen(receiver.fd, 1);
        return receiver;
    }

    /** The next datagram, or null if nothing was sent. */
    String receive() {
        return receive(fd);
    }

    /** All bytes the first connection to the stream socket sent so far (it stays queued until accepted). */
    String acceptAndReceive() {
        int connection = LIBC.accept(fd, null, null);
        try {
            return receive(connection);
        } finally {
            LIBC.close(connection);
        }
    }

    private static String receive(int fd) {
        byte[] buf = new byte[8192];
        long n = LIBC.recv(fd, buf, buf.length, MSG_DONTWAIT);
        return n < 0 ? null : new String(Arrays.copyOf(buf, (int) n), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        LIBC.close(fd);
        LIBC.unlink((path + "\0").getBytes(StandardCharsets.UTF_8));
    }
}
