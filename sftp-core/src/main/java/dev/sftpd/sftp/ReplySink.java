// Where a session's replies go: stdout for the stdio server, the SSH channel in the daemon.
package dev.sftpd.sftp;

import java.io.IOException;
import java.nio.ByteBuffer;

@FunctionalInterface
public interface ReplySink {
    /** Writes frame[0, length), a complete reply with its length prefix; the caller may reuse frame after. */
    void send(byte[] frame, int length) throws IOException;

    /**
     * The same for a reply in native memory (a READ's data, read there): frame[0, length) of a
     * direct buffer. A sink that writes to a descriptor writes it from there; this one copies.
     */
    default void send(ByteBuffer frame, int length) throws IOException {
        byte[] copy = new byte[length];
        frame.get(0, copy);
        send(copy, length);
    }
}
