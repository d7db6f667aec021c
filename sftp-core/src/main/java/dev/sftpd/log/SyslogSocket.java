// The connection to syslogd's socket, kept as glibc keeps it: opened on first use, reopened once when a send fails.
package dev.sftpd.log;

import static dev.sftpd.sftp.posix.CFunction.Array.in;

import com.kenai.jffi.Type;
import dev.sftpd.sftp.posix.CFunction;
import dev.sftpd.sftp.posix.CLibrary;
import dev.sftpd.sftp.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A lost message is dropped silently, as syslog(3) drops it: logging must never fail the caller.
 * Synchronized so that closing while another thread sends cannot hand a recycled descriptor,
 * perhaps a client's connection, to send().
 */
final class SyslogSocket {
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 02000000;
    private static final Libc LIBC = new Libc();
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int EPROTOTYPE = 91;
    // A stream peer that went away must not raise SIGPIPE; glibc sends with it too.
    private static final int MSG_NOSIGNAL = 0x4000;

    /** Nothing but this class's initialisation, which binds LIBC. */
    static void bind() {}

    /** The socket calls syslog(3) makes; the JDK cannot open AF_UNIX datagram sockets. Addresses are raw sockaddr_un bytes (see {@link #sockaddr}). */
    private static final class Libc extends CLibrary {
        /** (domain, type, protocol) */
        final CFunction socket = function("socket", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        /** (fd, address, length) */
        final CFunction connect = function("connect", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
        /** (fd, buf, length, flags) */
        final CFunction send = function("send", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SINT);
        final CFunction close = function("close", Type.SINT, Type.SINT);

        Libc() {
            super(Posix.LIBC);
        }
    }

    private final byte[] address;
    private int fd = -1;
    private boolean stream;

    SyslogSocket(String path) {
        this.address = sockaddr(path);
    }

    /** struct sockaddr_un: sa_family_t in host byte order, then the NUL-terminated path. */
    static byte[] sockaddr(String path) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket path too long for sockaddr_un: " + path);
        }
        return ByteBuffer.allocate(SOCKADDR_UN_SIZE).order(ByteOrder.nativeOrder())
                .putShort((short) AF_UNIX).put(name).array();
    }

    /** __vsyslog_internal's order: connect if needed, send, and on failure reconnect and send once more. */
    synchronized void send(byte[] message) {
        if (fd < 0) {
            open();
            if (fd < 0) {
                return;
            }
        }
        if (write(message)) {
            return;
        }
        close();
        open();
        if (fd >= 0 && !write(message)) {
            close();
        }
    }

    synchronized void close() {
        if (fd >= 0) {
            LIBC.close.call(fd);
            fd = -1;
        }
    }

    /** Datagrams first; a syslogd listening on a stream socket answers EPROTOTYPE, as glibc expects. */
    private void open() {
        int result = connect(SOCK_DGRAM);
        stream = result == -EPROTOTYPE;
        if (stream) {
            result = connect(SOCK_STREAM);
        }
        fd = Math.max(result, -1);
    }

    /** A connected descriptor, or minus the errno of what failed. */
    private int connect(int type) {
        int socket = (int) LIBC.socket.call(AF_UNIX, type | SOCK_CLOEXEC, 0);
        if (socket < 0) {
            return -errno();
        }
        if ((int) LIBC.connect.call(in(1, address), socket, 0, address.length) == 0) {
            return socket;
        }
        int errno = errno();
        LIBC.close.call(socket);
        return -errno;
    }

    /** On a stream the terminating NUL goes too: it is how syslogd finds the end of each message. */
    private boolean write(byte[] message) {
        byte[] data = stream ? Arrays.copyOf(message, message.length + 1) : message;
        return LIBC.send.call(in(1, data), fd, 0, data.length, MSG_NOSIGNAL) >= 0;
    }

    private static int errno() {
        return CFunction.errno();
    }
}
