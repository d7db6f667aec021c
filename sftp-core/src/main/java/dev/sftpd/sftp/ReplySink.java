// Where a session's replies go: stdout for the stdio server, the SSH channel in the daemon.
package dev.sftpd.sftp;

import java.io.IOException;

@FunctionalInterface
public interface ReplySink {
    /** Takes ownership of frame[0, length): a complete reply, length prefix included. */
    void send(byte[] frame, int length) throws IOException;
}
