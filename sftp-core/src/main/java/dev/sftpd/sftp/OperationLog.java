// Where a session reports what an audit trail records: each request that reads or changes data, and each refused one.
package dev.sftpd.sftp;

import java.io.IOException;

/**
 * The one hook of the engine for auditing: {@link SftpSession} calls it after each audited
 * request (the request table says which) and each refused request, on the request thread. The
 * stdio sftp-server has none ({@link #NONE}); the daemon's engine batches the reports to the
 * monitor, which writes the audit log.
 */
public interface OperationLog {
    OperationLog NONE = op -> { };

    /** One operation, answered; an IOException ends the session (the trail cannot be kept). */
    void operation(Operation op) throws IOException;

    /** The session is over: no report follows; one held back must leave now. */
    default void sessionEnded() { }
}
