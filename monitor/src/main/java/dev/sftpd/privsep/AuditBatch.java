// AUDIT, both ends: the engine's batch of operation reports, encoded and decoded side by side (PROTOCOL.monitor).
package dev.sftpd.privsep;

import dev.sftpd.sftp.Operation;
import dev.sftpd.sftp.ServerFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A batch is at most {@link #MAX_RECORDS} reports and fits one packet: paths are cut at
 * {@link #MAX_PATH} bytes (PATH_MAX: the kernel takes no longer path), so that one report is
 * never more than about 8 KiB and a batch is sent before it passes {@link #FULL}.
 */
public final class AuditBatch {
    public static final int MAX_RECORDS = 128;
    public static final int MAX_PATH = 4096;
    /** Bytes of payload after which a batch is sent: one more report still fits the packet. */
    public static final int FULL = 48 * 1024;
    private static final Set<String> REQUESTS = Set.copyOf(ServerFlags.requestNames().lines().toList());
    private static final Set<String> REASONS = Set.of("", Operation.READ_ONLY, Operation.DENYLISTED,
            Operation.NOT_ALLOWLISTED, Operation.FORCED);

    /** One report as the monitor receives it: the operation, and how long before the batch left it was answered. */
    public record Report(Operation operation, long ageMillis) {}

    private AuditBatch() {}

    /** The AUDIT payload of these reports, each aged from when it was answered to {@code sentAt} (System.nanoTime()). */
    public static Buffer encode(List<Operation> ops, long sentAt) {
        Buffer payload = Packets.payload(MonitorMessage.AUDIT);
        payload.putInt(ops.size());
        for (Operation op : ops) {
            payload.putString(op.request());
            payload.putInt(op.status());
            payload.putString(op.reason());
            payload.putBytes(cut(op.path()));
            payload.putBytes(cut(op.to()));
            payload.putInt(Integer.toUnsignedLong(op.openFlags()));
            payload.putLong(op.bytesRead());
            payload.putLong(op.bytesWritten());
            payload.putLong(op.nanos());
            payload.putInt(Math.max(0, Math.min(Integer.MAX_VALUE, (sentAt - op.endedAt()) / 1_000_000)));
        }
        return payload;
    }

    /** About what one report takes in the payload, for deciding when a batch is full. */
    public static int size(Operation op) {
        return 64 + op.request().length() + op.reason().length() + Math.min(op.path().length, MAX_PATH)
                + Math.min(op.to().length, MAX_PATH);
    }

    /**
     * The reports of an AUDIT payload (after its type byte). Everything is checked, as for any
     * message: a request name the table does not have, an unknown status or reason, a negative
     * count or a path longer than the engine may send is a violation.
     */
    public static List<Report> parse(Buffer payload) throws MonitorProtocolException {
        return Packets.parse(payload, p -> {
            int n = p.getInt();
            if (n < 1 || n > MAX_RECORDS) {
                throw new IllegalArgumentException(n + " reports in one batch");
            }
            List<Report> reports = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String request = Packets.text(p);
                int status = p.getInt();
                String reason = Packets.text(p);
                byte[] path = path(p);
                byte[] to = path(p);
                int flags = p.getInt();
                long read = p.getLong();
                long written = p.getLong();
                long nanos = p.getLong();
                long age = p.getUInt();
                if (!REQUESTS.contains(request) || Operation.statusName(status).isEmpty() || !REASONS.contains(reason)
                        || read < 0 || written < 0 || nanos < 0) {
                    throw new IllegalArgumentException("report " + i + " (" + request + ", status " + status
                            + ", reason \"" + reason + "\") is not one an engine makes");
                }
                reports.add(new Report(new Operation(request, status, reason, path, to, flags, read, written, nanos,
                        0), age));
            }
            return reports;
        });
    }

    private static byte[] path(Buffer p) {
        byte[] path = p.getBytes();
        if (path.length > MAX_PATH) {
            throw new IllegalArgumentException("a path of " + path.length + " bytes");
        }
        return path;
    }

    private static byte[] cut(byte[] path) {
        return path.length > MAX_PATH ? Arrays.copyOf(path, MAX_PATH) : path;
    }
}
