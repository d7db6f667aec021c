// struct sockaddr_in and sockaddr_in6 as Linux lays them out, to and from InetSocketAddress.
package dev.sftpd.privsep;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * sa_family and sin6_scope_id are in host byte order, port and address in network order;
 * the layout is the same on every Linux architecture.
 */
final class SockAddr {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** sizeof(struct sockaddr_storage): room for any address the kernel returns. */
    static final int STORAGE_SIZE = 128;
    private static final int SIN_SIZE = 16;
    private static final int SIN6_SIZE = 28;

    private SockAddr() {}

    static final int AF_UNIX = 1;
    /** sizeof(sun_path): a unix socket's address is at most this long. */
    private static final int SUN_PATH_SIZE = 108;

    /**
     * A struct sockaddr_un, of the length the kernel is to read: a path ends with its NUL; a name
     * starting with '@' is in the abstract namespace (a NUL first, the rest not terminated), as
     * sd_notify(3) and ss(8) write them.
     */
    static byte[] unix(String address) {
        byte[] name = address.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean abstractName = name.length > 0 && name[0] == '@';
        int length = abstractName ? name.length : name.length + 1;
        if (name.length == 0 || length > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("unix socket address \"" + address + "\" is empty or too long");
        }
        ByteBuffer b = ByteBuffer.allocate(2 + length).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX).put(name);
        if (abstractName) {
            b.put(2, (byte) 0);
        }
        return b.array();
    }

    static int family(InetSocketAddress addr) {
        return address(addr) instanceof Inet6Address ? AF_INET6 : AF_INET;
    }

    static byte[] encode(InetSocketAddress addr) {
        InetAddress ip = address(addr);
        boolean v6 = ip instanceof Inet6Address;
        ByteBuffer b = ByteBuffer.allocate(v6 ? SIN6_SIZE : SIN_SIZE);
        b.order(ByteOrder.nativeOrder()).putShort((short) family(addr));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) addr.getPort());
        if (v6) {
            b.putInt(0); // sin6_flowinfo
        }
        b.put(ip.getAddress());
        if (v6) {
            b.order(ByteOrder.nativeOrder()).putInt(((Inet6Address) ip).getScopeId());
        }
        return b.array();
    }

    /** Decodes what accept or getsockname wrote into a {@link #STORAGE_SIZE} buffer. */
    static InetSocketAddress decode(byte[] sa) {
        ByteBuffer b = ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder());
        int family = Short.toUnsignedInt(b.getShort(0));
        int port = (sa[2] & 0xff) << 8 | sa[3] & 0xff;
        return switch (family) {
            case AF_INET -> new InetSocketAddress(ip(Arrays.copyOfRange(sa, 4, 8), 0), port);
            case AF_INET6 -> new InetSocketAddress(
                    ip(Arrays.copyOfRange(sa, 8, 24), b.getInt(24)), port);
            default -> throw new IllegalArgumentException("not an IP socket address: family " + family);
        };
    }

    private static InetAddress address(InetSocketAddress addr) {
        if (addr.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + addr);
        }
        return addr.getAddress();
    }

    private static InetAddress ip(byte[] raw, int scopeId) {
        try {
            return scopeId == 0 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, scopeId);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes always make an address", e);
        }
    }
}
