// Posix.queued on a Unix stream socket: what the peer has not read yet, which a spliced READ's guard waits on.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.sftp.posix.Posix;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class UnreadBytesTest {
    private static final Posix POSIX = Posix.get();

    /**
     * The engine's output is a Unix socket to the transport; the engine's data stays in the
     * socket, charged to the engine's end, until the transport has read it (SIOCOUTQ).
     */
    @Test
    void aUnixSocketCountsWhatItsPeerHasNotRead() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try {
            int n = 64 * 1024;
            ByteBuffer data = ByteBuffer.allocateDirect(n);
            assertEquals(0, POSIX.queued(pair[0].fd(), true));
            POSIX.writeFully(pair[0].fd(), data, 0, n);
            assertTrue(POSIX.queued(pair[0].fd(), true) >= n, "written, not yet read");

            ByteBuffer into = ByteBuffer.allocateDirect(n);
            for (int got = 0; got < n; ) {
                got += POSIX.read(pair[1].fd(), into, got, n - got);
            }
            assertEquals(0, POSIX.queued(pair[0].fd(), true), "all read");
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }
}
