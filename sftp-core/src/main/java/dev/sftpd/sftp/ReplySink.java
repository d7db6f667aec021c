// Where a session's replies go: stdout for the stdio server, the SSH channel in the daemon.
package dev.sftpd.sftp;

import java.io.IOException;

@FunctionalInterface
public interface ReplySink {
    /** Writes frame[0, length), a complete reply with its length prefix; the caller may reuse frame after. */
    void send(byte[] frame, int length) throws IOException;
}
