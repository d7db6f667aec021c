// Where a session's replies go: stdout for the stdio server, the SSH channel in the daemon.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.SysCallException;
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

    /**
     * A READ's reply (FXP_DATA for request id) whose data the kernel moves from file fd, from
     * position, to where this sink writes, without copying it into this process: up to len bytes,
     * as one read(2) would return. Returns the count sent, 0 at the end of the file (nothing
     * sent), or -1 when this sink or this file cannot (nothing sent: the caller reads the data).
     * A SysCallException is the file's error, with nothing sent.
     */
    default int sendFileData(int id, int fd, long position, int len) throws IOException, SysCallException {
        return -1;
    }

    /**
     * Returns once every spliced reply's data has been read from where this sink writes. Until
     * then the reader would copy the file's cached pages themselves, so a later WRITE to the
     * same range would show in the earlier READ's reply: the session calls this before any
     * request that may change a file.
     */
    default void awaitSpliced() throws IOException {
    }
}
