// The audit log file (AuditLog PATH): one JSON object per line, written by the monitor's one writer thread.
package dev.sftpd.monitor.audit;

import dev.sftpd.log.SshLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Only the monitor (root) writes it, never a process the user controls, so a user can neither
 * forge nor erase their trail: engines report their operations over their channel and the
 * monitor stamps who, whence and when itself. Every connection's thread hands its lines to one
 * queue; one thread writes them, a batch per write(2) when they come fast, so lines never
 * interleave and no connection waits for the disk unless the queue is full.
 *
 * The file is opened with O_APPEND|O_NOFOLLOW, created 0600; one that is not a regular file owned
 * by root, or that group or others may write, is refused. SIGHUP reopens it (logrotate renames
 * the file, then signals): the lines queued before the reopen go to the old file, later ones to
 * the new.
 */
public final class AuditLog {
    private static final SshLog log = SshLog.get(AuditLog.class);
    private static final int QUEUE = 64 * 1024;
    private static final int WRITE_BATCH = 256 * 1024;
    private static final SecureRandom IDS = new SecureRandom();

    /** What the writer thread is handed besides lines. */
    private record Reopen(Optional<Path> path) {}

    private record Stop() {}

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(QUEUE);
    private volatile Optional<Path> path;
    /** Only the writer thread touches it after the start. */
    private FileChannel file;
    private boolean failing;
    private final Thread writer;

    private AuditLog(Optional<Path> path, FileChannel file) {
        this.path = path;
        this.file = file;
        this.writer = new Thread(this::writeLoop, "audit-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * The log at {@code path} (none: nothing is audited until a reload names one); a file that
     * cannot be used is an error.
     */
    public static AuditLog open(Optional<Path> path) throws IOException {
        return new AuditLog(path, path.isPresent() ? openFile(path.get()) : null);
    }

    /** Whether operations are being audited: new sessions' engines report only then. */
    public boolean enabled() {
        return path.isPresent();
    }

    /** A new connection's trail, with a fresh session id; its connect record is written. */
    public ConnectionAudit connection(InetSocketAddress peer, InetSocketAddress local) {
        byte[] id = new byte[8];
        IDS.nextBytes(id);
        ConnectionAudit trail = new ConnectionAudit(this, HexFormat.of().formatHex(id), peer);
        trail.connected(local);
        return trail;
    }

    /**
     * SIGHUP: the file is opened again (it may have been renamed), or the path a reloaded
     * configuration names; none ends auditing. A file that cannot be opened is logged, and
     * lines go on to the one already open.
     */
    public void reopen(Optional<Path> next) {
        path = next;
        enqueue(new Reopen(next));
    }

    /** Writes what is queued and closes the file; at the daemon's end. */
    public void close() {
        enqueue(new Stop());
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void write(Json record) {
        if (enabled()) {
            enqueue(record.line());
        }
    }

    private void enqueue(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeLoop() {
        StringBuilder batch = new StringBuilder();
        while (true) {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            while (item instanceof String line) {
                batch.append(line);
                item = batch.length() < WRITE_BATCH ? queue.poll() : null;
            }
            flush(batch);
            if (item instanceof Reopen r) {
                reopenFile(r.path());
            } else if (item instanceof Stop) {
                closeFile();
                return;
            }
        }
    }

    private void flush(StringBuilder batch) {
        if (batch.length() == 0) {
            return;
        }
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(batch.toString());
        batch.setLength(0);
        if (file == null) {
            return;
        }
        try {
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                log.error("AuditLog %s: %s; audit records are being lost", path.map(Path::toString).orElse(""),
                        e.getMessage());
            }
            failing = true;
        }
    }

    private void reopenFile(Optional<Path> next) {
        if (next.isEmpty()) {
            closeFile();
            return;
        }
        try {
            FileChannel opened = openFile(next.get());
            closeFile();
            file = opened;
        } catch (IOException e) {
            log.error("AuditLog %s: %s; still writing to the file open before", next.get(), e.getMessage());
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                log.error("AuditLog: close: %s", e.getMessage());
            }
            file = null;
        }
    }

    private static FileChannel openFile(Path p) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileSystemException e) {
            // O_NOFOLLOW on a symlink fails with ELOOP; a missing directory has no reason of its own.
            throw new IOException(e.getReason() != null ? e.getReason()
                    : e instanceof NoSuchFileException ? "No such file or directory" : e.toString(), e);
        }
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || owner != 0
                    || modes.contains(PosixFilePermission.GROUP_WRITE)
                    || modes.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException("bad ownership or modes (" + PosixFilePermissions.toString(modes) + ", uid "
                        + owner + "): the audit log must be a regular file of root's that only root may write");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
