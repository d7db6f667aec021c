// One sftp session's audit trail: its start and end, and the operations its engine reports (AUDIT), stamped by the monitor.
package dev.sftpd.monitor.audit;

import dev.sftpd.privsep.AuditBatch;
import dev.sftpd.sftp.Operation;
import java.time.Instant;
import java.util.List;

/**
 * The engine runs as the user, so only what it did is taken from it (request, status, paths,
 * bytes, duration, and how long ago): the time is the monitor's clock less that age, never
 * earlier than the session's start, and who and whence are the connection's.
 */
public final class SessionAudit {
    private final ConnectionAudit connection;
    private final int number;
    private final boolean enabled;
    private volatile Instant started = Instant.now();
    private volatile long startNanos = System.nanoTime();
    private volatile int pid;

    SessionAudit(ConnectionAudit connection, int number, boolean enabled) {
        this.connection = connection;
        this.number = number;
        this.enabled = enabled;
    }

    /** Whether its engine reports operations (AuditLog was set when the session started). */
    public boolean enabled() {
        return enabled;
    }

    /** The engine is assigned; {@code pid} is the session's process, the one its login record names. */
    public void started(int pid) {
        this.pid = pid;
        started = Instant.now();
        startNanos = System.nanoTime();
        connection.log().write(record("session_start", started).put("pid", pid));
    }

    /** The session's process has ended, with this wait status described. */
    public void ended(String status) {
        connection.log().write(record("session_end", Instant.now()).put("pid", pid).put("exit", status)
                .putMillis("duration_ms", System.nanoTime() - startNanos));
    }

    /** One AUDIT batch from the engine. */
    public void operations(List<AuditBatch.Report> reports) {
        Instant now = Instant.now();
        for (AuditBatch.Report report : reports) {
            Instant at = now.minusMillis(report.ageMillis());
            Operation op = report.operation();
            Json r = record("sftp", at.isBefore(started) ? started : at).put("request", op.request())
                    .put("status", Operation.statusName(op.status()).orElseThrow());
            if (!op.reason().isEmpty()) {
                r.put("reason", op.reason());
            }
            if (op.path().length > 0) {
                r.putPath("path", op.path());
            }
            if (op.to().length > 0) {
                r.putPath("to", op.to());
            }
            if (op.request().equals("open")) {
                r.put("flags", Operation.describeOpenFlags(op.openFlags()));
            }
            if (op.request().equals("close") || op.request().equals("copy-data")) {
                r.put("bytes_read", op.bytesRead()).put("bytes_written", op.bytesWritten());
            }
            connection.log().write(r.putMillis("duration_ms", op.nanos()));
        }
    }

    private Json record(String event, Instant time) {
        return connection.record(event, time).put("sftp", number);
    }
}
