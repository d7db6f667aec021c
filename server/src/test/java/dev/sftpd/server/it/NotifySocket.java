// A real AF_UNIX datagram socket the test binds, standing where systemd's $NOTIFY_SOCKET would be.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sftpd.testkit.Poll;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** JDK 17 has no unix datagram channel, so the socket is libc's, as systemd's is. */
final class NotifySocket implements AutoCloseable {
    /** Public for jnr-ffi, which implements it in a class loader of its own. */
    public interface Libc {
        int socket(int domain, int type, int protocol);
        int bind(int fd, @In byte[] addr, int len);
        int setsockopt(int fd, int level, int name, @In long[] value, int len);
        @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);
        int close(int fd);
    }

    private static final Libc C = LibraryLoader.create(Libc.class).load("c");
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    private final int fd;
    private final String address;
    private final List<String> received = new ArrayList<>();

    private NotifySocket(int fd, String address) {
        this.fd = fd;
        this.address = address;
    }

    /** Binds a path, or with a leading '@' an abstract name, as NOTIFY_SOCKET spells them. */
    static NotifySocket bind(String address) {
        int fd = C.socket(AF_UNIX, SOCK_DGRAM, 0);
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = address.startsWith("@");
        ByteBuffer sa = ByteBuffer.allocate(2 + name.length + (abstractName ? 0 : 1)).order(ByteOrder.nativeOrder());
        sa.putShort((short) AF_UNIX).put(name);
        if (abstractName) {
            sa.put(2, (byte) 0);
        }
        if (fd < 0 || C.bind(fd, sa.array(), sa.capacity()) != 0) {
            fail("cannot bind " + address + ": errno " + LastError.getLastError(Runtime.getRuntime(C)));
        }
        // A receive gives up after 100 ms, so a wait can be bounded.
        C.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {0, 100_000}, 16);
        return new NotifySocket(fd, address);
    }

    String address() {
        return address;
    }

    /** Waits (up to Poll.WAIT) for the next datagram that {@code wanted} accepts, and returns it. */
    String await(Predicate<String> wanted, String what) {
        long deadline = System.nanoTime() + Poll.WAIT.toNanos();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            long n = C.recv(fd, buf, buf.length, 0);
            if (n > 0) {
                String datagram = new String(buf, 0, (int) n, StandardCharsets.UTF_8);
                received.add(datagram);
                if (wanted.test(datagram)) {
                    return datagram;
                }
            }
        }
        return fail("no datagram " + what + " on " + address + "; received: " + received);
    }

    /** Every datagram that arrives within {@code millis}, added to {@link #received()}. */
    List<String> receiveFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            long n = C.recv(fd, buf, buf.length, 0);
            if (n > 0) {
                received.add(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
            }
        }
        return received();
    }

    /** Every datagram received so far, in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws java.io.IOException {
        C.close(fd);
        if (!address.startsWith("@")) {
            Files.deleteIfExists(Path.of(address));
        }
    }
}
