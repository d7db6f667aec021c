// The monitor's sockets as raw descriptors, so they can be handed to a spawned worker as fd 0 and 3.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.call;

import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Every descriptor is created close-on-exec: only {@link Spawner} decides what a child inherits.
 * Constants are Linux's (SOCK_CLOEXEC and SO_REUSEADDR differ on mips, sparc and alpha).
 */
public final class Sockets {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SHUT_RDWR = 2;

    private Sockets() {}

    public record Accepted(Fd fd, InetSocketAddress peer, InetSocketAddress local) {}

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

    /** The bound local address, e.g. to learn the port after binding port 0. */
    public static InetSocketAddress localAddress(Fd fd) throws SysCallException {
        byte[] sa = new byte[SockAddr.STORAGE_SIZE];
        int[] len = {sa.length};
        call("getsockname", () -> C.getsockname(fd.fd(), sa, len));
        return SockAddr.decode(sa);
    }

    /** accept4 with SOCK_CLOEXEC; blocks until a connection arrives or the listener is shut down. */
    public static Accepted accept(Fd listener) throws SysCallException {
        byte[] sa = new byte[SockAddr.STORAGE_SIZE];
        int[] len = {sa.length};
        Fd fd = new Fd((int) call("accept", () -> C.accept4(listener.fd(), sa, len, SOCK_CLOEXEC)));
        try {
            return new Accepted(fd, SockAddr.decode(sa), localAddress(fd));
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
    }

    /** A connected pair of AF_UNIX stream sockets: the monitor-worker channel. */
    public static Fd[] socketpair() throws SysCallException {
        int[] sv = new int[2];
        call("socketpair", () -> C.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        return Arrays.stream(sv).mapToObj(Fd::new).toArray(Fd[]::new);
    }

    /** One read(2) on a blocking fd: at least one byte, fewer than len if that is what is there, 0 at EOF. */
    public static int read(int fd, byte[] buf, int off, int len) throws SysCallException {
        Objects.checkFromIndexSize(off, len, buf.length);
        ByteBuffer window = ByteBuffer.wrap(buf, off, len).slice();
        return (int) call("read", () -> C.read(fd, window, len));
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
     * shutdown(fd, SHUT_RDWR): wakes a thread blocked in accept or read on it, which closing
     * alone does not do. Errors are ignored: a peer that already went away (ENOTCONN) is
     * exactly the state this call is for.
     */
    public static void shutdown(int fd) {
        C.shutdown(fd, SHUT_RDWR);
    }

    private static void setOption(Fd fd, int level, int name, String what) throws SysCallException {
        int[] one = {1};
        call("setsockopt " + what, () -> C.setsockopt(fd.fd(), level, name, one, Integer.BYTES));
    }
}
