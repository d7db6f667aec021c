// The engine's side of the audit log: operation reports batched to the monitor (AUDIT), which writes them.
package dev.sftpd.engine;

import dev.sftpd.privsep.AuditBatch;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.sftp.Operation;
import dev.sftpd.sftp.OperationLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Reports wait in one payload and leave when the batch is full ({@link AuditBatch#MAX_RECORDS}
 * reports or {@link AuditBatch#FULL} bytes), when the oldest has waited {@link #MAX_WAIT_MILLIS},
 * and when the session ends: the request thread never waits for the monitor (AUDIT has no reply)
 * and sends one packet for many requests. Only opens, closes and changes are reported, never
 * reads and writes, so a transfer's data path sends nothing. If the channel fails the session
 * ends with the next report: the engine does not serve what it cannot have audited.
 */
final class AuditReports implements OperationLog {
    static final long MAX_WAIT_MILLIS = 1000;

    private final MonitorCalls monitor;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "audit-reports");
        t.setDaemon(true);
        return t;
    });
    private final List<Operation> batch = new ArrayList<>();
    /** About the bytes the batch takes in its packet. */
    private int size;
    private IOException failed;

    AuditReports(MonitorCalls monitor) {
        this.monitor = monitor;
    }

    @Override
    public synchronized void operation(Operation op) throws IOException {
        if (failed != null) {
            throw failed;
        }
        if (batch.isEmpty()) {
            // The first report of a batch sets its deadline: an idle session wakes nothing.
            timer.schedule(this::sendQuietly, MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        batch.add(op);
        size += AuditBatch.size(op);
        if (batch.size() >= AuditBatch.MAX_RECORDS || size >= AuditBatch.FULL) {
            send();
        }
    }

    @Override
    public void sessionEnded() {
        timer.shutdownNow();
        sendQuietly();
    }

    private synchronized void sendQuietly() {
        try {
            send();
        } catch (IOException e) {
            failed = e;
        }
    }

    /** Each report says how long ago it was answered: the monitor dates it by that, on its own clock. */
    private void send() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        Buffer payload = AuditBatch.encode(batch, System.nanoTime());
        batch.clear();
        size = 0;
        monitor.audit(payload);
    }
}
