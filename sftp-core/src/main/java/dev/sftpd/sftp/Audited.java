// What the audit trail records of a request, read from the request's fields before its handler runs.
package dev.sftpd.sftp;

import dev.sftpd.sftp.HandleTable.FileHandle;

/**
 * The request table's column for auditing. Each kind reads the fields it needs from a copy of
 * the decoder (the handler reads the same fields itself), and, for the requests on handles, the
 * handle's path and byte counts before the handler closes it or copies through it.
 */
enum Audited {
    /** Not recorded unless refused. */
    NO,
    /** One path: setstat, lsetstat, opendir, remove, mkdir, rmdir. */
    PATH,
    /** Two paths, OpenSSH's old then new: rename, posix-rename, symlink, hardlink. */
    TWO_PATHS,
    /** A path and the SSH_FXF_ flags. */
    OPEN,
    /** The path of the handle acted on: fsetstat. */
    HANDLE,
    /** The handle's path and the bytes read and written through it in all. */
    CLOSE,
    /** copy-data: the source's and the destination's paths, and what was copied. */
    COPY;

    private static final byte[] NONE = new byte[0];

    /** What a request names, read before it runs; null when it is malformed (its handler ends the session). */
    Pending peek(SftpSession s, Decoder in) {
        try {
            return switch (this) {
                case NO -> new Pending(NONE, NONE, 0, null, null);
                case PATH -> new Pending(in.cstring(), NONE, 0, null, null);
                case TWO_PATHS -> new Pending(in.cstring(), in.cstring(), 0, null, null);
                case OPEN -> new Pending(in.cstring(), NONE, in.u32(), null, null);
                case HANDLE, CLOSE -> {
                    HandleTable.Handle h = s.handles.lookup(in.string());
                    yield new Pending(h == null ? NONE : h.name(), NONE, 0,
                            h instanceof FileHandle f ? new Counts(f) : null, null);
                }
                case COPY -> {
                    FileHandle from = s.fileHandle(in.string());
                    in.u64();
                    in.u64();
                    FileHandle to = s.fileHandle(in.string());
                    yield new Pending(from == null ? NONE : from.name(), to == null ? NONE : to.name(), 0,
                            from == null ? null : new Counts(from), to == null ? null : new Counts(to));
                }
            };
        } catch (MalformedPacketException e) {
            return null;
        }
    }

    /** A handle's byte counts as they were before the request. */
    record Counts(FileHandle handle, long read, long written) {
        Counts(FileHandle handle) {
            this(handle, handle.bytesRead, handle.bytesWritten);
        }
    }

    /** What a request named, and the counts of the handles it uses. */
    record Pending(byte[] path, byte[] to, int openFlags, Counts first, Counts second) {}

    /** The operation, once answered with {@code status}, in {@code nanos} ending now. */
    Operation complete(String request, Pending p, Status status, String reason, long nanos, long endedAt) {
        long read = 0;
        long written = 0;
        if (this == CLOSE && p.first() != null) {
            read = p.first().handle().bytesRead;
            written = p.first().handle().bytesWritten;
        } else if (this == COPY && p.first() != null && p.second() != null) {
            read = p.first().handle().bytesRead - p.first().read();
            written = p.second().handle().bytesWritten - p.second().written();
        }
        return new Operation(request, status.code(), reason, p.path(), p.to(), p.openFlags(), read, written, nanos,
                endedAt);
    }
}
