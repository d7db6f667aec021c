// The monitor's sockets as raw descriptors, so they can be handed to a spawned worker as fd 0 and 3.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.MEMORY;
import static dev.sftpd.privsep.Libc.call;

import dev.sftpd.sftp.posix.NativeScratch;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Every descriptor is created close-on-exec: only {@link Spawner} decides what a child inherits.
 * Constants are Linux's (SOCK_CLOEXEC and SO_REUSEADDR differ on mips, sparc and alpha).
 */
public final class Sockets {
    private static final int AF_UNIX = SockAddr.AF_UNIX;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SO_PEERCRED = 17;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_KEEPALIVE = 9;
    private static final int SO_SNDBUF = 7;
    private static final int SO_SNDBUFFORCE = 32;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int TCP_INFO = 11;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 04000;
    private static final int POLLIN = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** sizeof(struct tcp_info) in Linux 6.1 is 232; the fields read here end at 136. */
    private static final int TCP_INFO_INTS = 64;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    /** poll(2)'s revents that say a descriptor will never be readable or writable again. */
    private static final int POLLERR = 0x8;
    private static final int POLLHUP = 0x10;
    private static final int POLLNVAL = 0x20;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** CMSG_LEN(sizeof(int)) and CMSG_SPACE(sizeof(int)) on 64-bit Linux. */
    private static final int CMSG_LEN_INT = 20;
    private static final int CMSG_SPACE_INT = 24;

    private Sockets() {}

    public record Accepted(Fd fd, InetSocketAddress peer, InetSocketAddress local) {}

    /** A unix socket peer's credentials as the kernel recorded them when it connected (SO_PEERCRED). */
    public record Credentials(int pid, int uid, int gid) {}

    /**
     * A listening TCP socket on addr (IPv4 or IPv6; port 0 picks one). IPv6 sockets are
     * v6-only, as sshd's, so "::" and "0.0.0.0" can both be listened on.
     */
    public static Fd listen(InetSocketAddress addr, int backlog) throws SysCallException {
        byte[] sa = SockAddr.encode(addr);
        int family = SockAddr.family(addr);
        Fd fd = new Fd((int) call("socket", () -> C.socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        try {
            setOption(fd, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
            if (family == SockAddr.AF_INET6) {
                setOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
            }
            call("bind " + addr, () -> C.bind(fd.fd(), sa, sa.length));
            call("listen " + addr, () -> C.listen(fd.fd(), backlog));
            return fd;
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * A listener whose accept never blocks (O_NONBLOCK), for an accept loop that waits in
     * {@link #awaitReadable} instead: a listening socket shared with another daemon after a
     * handover cannot be shut down to wake its thread, as that would close it for both.
     */
    public static void setNonBlocking(Fd fd) throws SysCallException {
        int flags = (int) call("fcntl F_GETFL", () -> C.fcntl(fd.fd(), F_GETFL, 0));
        call("fcntl F_SETFL", () -> C.fcntl(fd.fd(), F_SETFL, flags | O_NONBLOCK));
    }

    /**
     * poll(2) for input (or a pending connection) on one descriptor; false when the time ran out
     * or a signal came first. A struct pollfd is int fd, short events, short revents.
     */
    public static boolean awaitReadable(Fd fd, int timeoutMillis) throws SysCallException {
        byte[] pollfd = pollfd(fd.fd(), POLLIN);
        long ready = C.poll(pollfd, 1, timeoutMillis);
        if (ready == -1 && Libc.errno() != EINTR) {
            throw new SysCallException("poll", Libc.errno());
        }
        return ready > 0;
    }

    /** struct pollfd for one descriptor: int fd, short events, short revents, in the machine's byte order. */
    private static byte[] pollfd(int fd, int events) {
        byte[] pollfd = new byte[8];
        ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, (short) events);
        return pollfd;
    }

    /** Whether accept failed only because another process took the connection first. */
    public static boolean wouldBlock(SysCallException e) {
        return e.errno() == EAGAIN;
    }

    /** The bound local address, e.g. to learn the port after binding port 0. */
    public static InetSocketAddress localAddress(Fd fd) throws SysCallException {
        byte[] sa = new byte[SockAddr.STORAGE_SIZE];
        int[] len = {sa.length};
        call("getsockname", () -> C.getsockname(fd.fd(), sa, len));
        return SockAddr.decode(sa);
    }

    /**
     * accept4 with SOCK_CLOEXEC; blocks until a connection arrives or the listener is shut down.
     * {@code keepAlive}: TCPKeepAlive, SO_KEEPALIVE, so that a vanished client host is noticed.
     */
    public static Accepted accept(Fd listener, boolean keepAlive) throws SysCallException {
        byte[] sa = new byte[SockAddr.STORAGE_SIZE];
        int[] len = {sa.length};
        Fd fd = new Fd((int) call("accept", () -> C.accept4(listener.fd(), sa, len, SOCK_CLOEXEC)));
        try {
            // An SFTP session is many small request/reply rounds: Nagle would hold each reply back.
            setOption(fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY");
            if (keepAlive) {
                setOption(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE");
            }
            return new Accepted(fd, SockAddr.decode(sa), localAddress(fd));
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * A listening unix stream socket at path: made under a temporary name, given the mode, then
     * renamed into place, so that it is never reachable with the umask's mode. A file already at
     * path is replaced.
     */
    public static Fd listenUnix(Path path, Set<PosixFilePermission> mode, int backlog)
            throws SysCallException, IOException {
        Path temporary = path.resolveSibling(path.getFileName() + "." + Processes.getpid());
        byte[] sa = SockAddr.unix(temporary.toString());
        Fd fd = new Fd((int) call("socket", () -> C.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        try {
            Files.deleteIfExists(temporary);
            call("bind " + temporary, () -> C.bind(fd.fd(), sa, sa.length));
            Files.setPosixFilePermissions(temporary, mode);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            call("listen " + path, () -> C.listen(fd.fd(), backlog));
            return fd;
        } catch (SysCallException | IOException e) {
            fd.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** accept4 on a unix listener, close-on-exec. */
    public static Fd acceptUnix(Fd listener) throws SysCallException {
        byte[] sa = new byte[SockAddr.STORAGE_SIZE];
        int[] len = {sa.length};
        return new Fd((int) call("accept", () -> C.accept4(listener.fd(), sa, len, SOCK_CLOEXEC)));
    }

    /** A stream connection to the unix socket at path (a path, or '@' and an abstract name). */
    public static Fd connectUnix(String address) throws SysCallException {
        byte[] sa = SockAddr.unix(address);
        Fd fd = new Fd((int) call("socket", () -> C.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        try {
            call("connect", () -> C.connect(fd.fd(), sa, sa.length));
            return fd;
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * A TCP connection to addr, made by the calling process (for direct-tcpip: an engine that is
     * the user), with TCP_NODELAY as sshd's forwarded connections; blocking, as long as the kernel
     * tries.
     */
    public static Fd connect(InetSocketAddress addr) throws SysCallException {
        byte[] sa = SockAddr.encode(addr);
        int family = SockAddr.family(addr);
        Fd fd = new Fd((int) call("socket", () -> C.socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)));
        try {
            call("connect", () -> C.connect(fd.fd(), sa, sa.length));
            setOption(fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY");
            return fd;
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * What a TCP connection has carried (from Linux's struct tcp_info): bytes received from the
     * peer, and bytes sent that the peer acknowledged.
     */
    public record TcpCounters(long bytesReceived, long bytesAcked) {}

    /** getsockopt(TCP_INFO): tcpi_bytes_acked at byte 120, tcpi_bytes_received at 128 (Linux 4.1 on). */
    public static TcpCounters tcpCounters(Fd fd) throws SysCallException {
        int[] info = new int[TCP_INFO_INTS];
        int[] len = {info.length * Integer.BYTES};
        call("getsockopt TCP_INFO", () -> C.getsockopt(fd.fd(), IPPROTO_TCP, TCP_INFO, info, len));
        return new TcpCounters(uint64(info, 128 / Integer.BYTES), uint64(info, 120 / Integer.BYTES));
    }

    /** A little-endian __u64 laid over two ints (x86_64 and aarch64 are little-endian). */
    private static long uint64(int[] ints, int at) {
        return (ints[at + 1] & 0xffffffffL) << 32 | ints[at] & 0xffffffffL;
    }

    /** Who is at the other end of a unix stream socket: getsockopt(SO_PEERCRED). */
    public static Credentials peerCredentials(Fd fd) throws SysCallException {
        int[] ucred = new int[3];
        int[] len = {Integer.BYTES * 3};
        call("getsockopt SO_PEERCRED", () -> C.getsockopt(fd.fd(), SOL_SOCKET, SO_PEERCRED, ucred, len));
        return new Credentials(ucred[0], ucred[1], ucred[2]);
    }

    /** An unbound unix datagram socket, to send from. */
    public static Fd unixDatagram() throws SysCallException {
        return new Fd((int) call("socket", () -> C.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)));
    }

    /** One datagram to the unix socket at address (a path, or '@' and an abstract name). */
    public static void sendTo(Fd fd, byte[] datagram, String address) throws SysCallException {
        byte[] sa = SockAddr.unix(address);
        call("sendto " + address, () -> C.sendto(fd.fd(), datagram, datagram.length, 0, sa, sa.length));
    }

    /** A connected pair of AF_UNIX stream sockets: the monitor-worker channel. */
    public static Fd[] socketpair() throws SysCallException {
        int[] sv = new int[2];
        call("socketpair", () -> C.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        return Arrays.stream(sv).mapToObj(Fd::new).toArray(Fd[]::new);
    }

    /** A pipe, close-on-exec: [read end, write end]. */
    public static Fd[] pipe() throws SysCallException {
        int[] fds = new int[2];
        call("pipe2", () -> C.pipe2(fds, SOCK_CLOEXEC));
        return Arrays.stream(fds).mapToObj(Fd::new).toArray(Fd[]::new);
    }

    /** One read(2) on a blocking fd: at least one byte, fewer than len if that is what is there, 0 at EOF. */
    public static int read(int fd, byte[] buf, int off, int len) throws SysCallException {
        Objects.checkFromIndexSize(off, len, buf.length);
        ByteBuffer scratch = NativeScratch.get(len);
        int n = (int) call("read", () -> C.read(fd, scratch, len));
        scratch.get(0, buf, off, n);
        return n;
    }

    /** write(2) until all of buf[off, off+len) is written. */
    public static void writeFully(int fd, byte[] buf, int off, int len) throws SysCallException {
        Objects.checkFromIndexSize(off, len, buf.length);
        for (int done = 0; done < len; ) {
            ByteBuffer rest = ByteBuffer.wrap(buf, off + done, len - done).slice();
            done += (int) call("write", () -> C.write(fd, rest, rest.remaining()));
        }
    }

    /**
     * One send(2) that does not wait: how many bytes of buf[off, off+len) the socket took, 0 when
     * its buffer is full. No SIGPIPE when the peer is gone: that is an error (EPIPE).
     */
    public static int sendNow(int fd, byte[] buf, int off, int len) throws SysCallException {
        Objects.checkFromIndexSize(off, len, buf.length);
        ByteBuffer window = ByteBuffer.wrap(buf, off, len).slice();
        long sent = C.send(fd, window, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent < 0) {
            int errno = Libc.errno();
            if (errno == EAGAIN) {
                return 0;
            }
            throw new SysCallException("send", errno);
        }
        return (int) sent;
    }

    /**
     * Blocks until the peer of a connected socket has closed its end, reading nothing: poll(2)
     * asking for no event still reports a hang-up, so requests and replies on the socket go on
     * undisturbed meanwhile.
     */
    public static void awaitHangUp(int fd) throws SysCallException {
        byte[] pollfd = pollfd(fd, 0);
        ByteBuffer view = ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder());
        do {
            view.putShort(6, (short) 0);
            call("poll", () -> C.poll(pollfd, 1, -1));
        } while ((view.getShort(6) & (POLLERR | POLLHUP | POLLNVAL)) == 0);
    }

    /**
     * shutdown(fd, SHUT_RDWR): wakes a thread blocked in accept or read on it, which closing
     * alone does not do. Errors are ignored: a peer that already went away (ENOTCONN) is
     * exactly the state this call is for.
     */
    public static void shutdown(int fd) {
        C.shutdown(fd, SHUT_RDWR);
    }

    /**
     * Passes a descriptor over a unix socket (SCM_RIGHTS), riding on one byte so that the
     * receiver's {@link #receiveFd} has something to read: how the monitor hands a client
     * socket to a pooled transport and an engine's channel to both of its ends.
     */
    public static void sendFd(int socket, int fd) throws SysCallException {
        try (Message m = new Message()) {
            MEMORY.putLong(m.control(), CMSG_LEN_INT);
            MEMORY.putInt(m.control() + 8, SOL_SOCKET);
            MEMORY.putInt(m.control() + 12, SCM_RIGHTS);
            MEMORY.putInt(m.control() + 16, fd);
            call("sendmsg SCM_RIGHTS", () -> C.sendmsg(socket, m.header(), 0));
        }
    }

    /**
     * The descriptor {@link #sendFd} passed, close-on-exec. A peer that sent the byte without a
     * descriptor, or closed the socket, is a protocol violation: the caller was promised one.
     */
    public static Fd receiveFd(int socket) throws SysCallException, MonitorProtocolException {
        try (Message m = new Message()) {
            long n = call("recvmsg", () -> C.recvmsg(socket, m.header(), MSG_CMSG_CLOEXEC));
            if (n == 0) {
                throw new MonitorProtocolException("channel closed where a descriptor was due");
            }
            int flags = MEMORY.getInt(m.header() + 48);
            if (MEMORY.getLong(m.header() + 40) < CMSG_LEN_INT || MEMORY.getInt(m.control() + 8) != SOL_SOCKET
                    || MEMORY.getInt(m.control() + 12) != SCM_RIGHTS || (flags & MSG_CTRUNC) != 0) {
                throw new MonitorProtocolException("no descriptor where one was due");
            }
            return new Fd(MEMORY.getInt(m.control() + 16));
        }
    }

    /**
     * A struct msghdr (64-bit Linux layout) for one byte of data and one SCM_RIGHTS descriptor:
     * msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24, msg_control 32, msg_controllen 40,
     * msg_flags 48; a cmsghdr is cmsg_len (8 bytes), level, type, then the int. In one native
     * block: the header, the iovec, the control buffer, then the byte.
     */
    private static final class Message implements AutoCloseable {
        private static final int IOV = 56;
        private static final int CONTROL = IOV + 16;
        private static final int DATA = CONTROL + CMSG_SPACE_INT;
        private final NativeBlock block = new NativeBlock(DATA + 8);

        Message() {
            MEMORY.putByte(block.address + DATA, (byte) 'F');
            MEMORY.putAddress(block.address + IOV, block.address + DATA);
            MEMORY.putLong(block.address + IOV + 8, 1);
            MEMORY.putAddress(header() + 16, block.address + IOV);
            MEMORY.putLong(header() + 24, 1);
            MEMORY.putAddress(header() + 32, control());
            MEMORY.putLong(header() + 40, CMSG_SPACE_INT);
        }

        long header() {
            return block.address;
        }

        long control() {
            return block.address + CONTROL;
        }

        @Override
        public void close() {
            block.close();
        }
    }

    /** dup2(2): how a received socket takes the place of a standard descriptor. */
    public static void dup2(int fd, int target) throws SysCallException {
        call("dup2", () -> C.dup2(fd, target));
    }

    /** close(2) of a descriptor no Fd owns, such as an inherited one. */
    public static void close(int fd) {
        C.close(fd);
    }

    /** shutdown(fd, SHUT_WR): the peer reads EOF, and can still answer. */
    public static void shutdownOutput(int fd) {
        C.shutdown(fd, SHUT_WR);
    }

    /**
     * How many bytes may wait in the socket on their way out (the kernel books twice as much for
     * its own overhead). Root may go beyond net.core.wmem_max (SO_SNDBUFFORCE); anyone else gets
     * at most that.
     */
    public static void setSendBuffer(Fd fd, int bytes) throws SysCallException {
        int[] value = {bytes};
        if (C.setsockopt(fd.fd(), SOL_SOCKET, SO_SNDBUFFORCE, value, Integer.BYTES) != 0) {
            call("setsockopt SO_SNDBUF", () -> C.setsockopt(fd.fd(), SOL_SOCKET, SO_SNDBUF, value, Integer.BYTES));
        }
    }

    private static void setOption(Fd fd, int level, int name, String what) throws SysCallException {
        int[] one = {1};
        call("setsockopt " + what, () -> C.setsockopt(fd.fd(), level, name, one, Integer.BYTES));
    }
}
