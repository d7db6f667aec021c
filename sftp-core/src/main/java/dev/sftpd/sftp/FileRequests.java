// Requests on open file handles: open, close, read, write, fstat, fsetstat, fsync, fstatvfs, copy-data, limits.
package dev.sftpd.sftp;

import static dev.sftpd.sftp.SftpSession.log;
import static dev.sftpd.sftp.SftpSession.show;

import dev.sftpd.sftp.HandleTable.FileHandle;
import dev.sftpd.sftp.posix.NativeScratch;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

final class FileRequests {
    private static final int COPY_BUFFER = 64 * 1024;
    private static final int DATA_HEADER = Sftp.DATA_HEADER;
    /**
     * A READ at least this long, starting where a READ that returned all it asked for ended, has
     * its data spliced (ReplySink.sendFileData): a file read through in large pieces. A file's
     * first READ, a small file's only one, and small reads are read and written whole: a
     * spliced reply leaves in two writes (header, then data) and one syscall more.
     */
    private static final int SPLICE_MIN = 64 * 1024;
    private static final DateTimeFormatter MODTIME = DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss");

    /** Nothing but this class's initialisation: see {@link SftpServerMain#prepare}. */
    static void prepare() {}

    private FileRequests() {}

    static void open(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] name = in.cstring();
        int pflags = in.u32();
        Attrs a = Attrs.decode(in);
        int flags = flagsFromPortable(pflags);
        int mode = a.has(Sftp.ATTR_PERMISSIONS) ? a.perm() : 0666;
        log.info("open \"%s\" flags %s mode 0%o", show(name), describe(pflags), mode);
        if (s.readOnly() && ((flags & Posix.O_ACCMODE) != Posix.O_RDONLY
                || (flags & (Posix.O_CREAT | Posix.O_TRUNC)) != 0)) {
            log.verbose("Refusing open request in read-only mode");
            s.refuse(id, Operation.READ_ONLY);
            return;
        }
        try {
            int fd = s.posix.open(name, flags, mode);
            s.handle(id, new FileHandle(fd, flags, name));
        } catch (SysCallException e) {
            s.status(id, Status.fromErrno(e.errno()));
        }
    }

    static void close(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        HandleTable.Handle h = s.handles.lookup(in.string());
        if (h == null) {
            s.status(id, Status.NO_SUCH_FILE);
            return;
        }
        s.logClose(h, "");
        try {
            s.closeHandle(h);
            s.status(id, Status.OK);
        } catch (SysCallException e) {
            s.status(id, Status.fromErrno(e.errno()));
        }
    }

    static void read(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        FileHandle f = s.fileHandle(in.string());
        long off = in.u64();
        long len = Integer.toUnsignedLong(in.u32());
        if (f == null) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: read \"%s\" off %d len %d", Integer.toUnsignedString(id), show(f.name()), off, len);
        if (len > Sftp.MAX_READ) {
            log.debug2("read change len %d to %d", len, Sftp.MAX_READ);
            len = Sftp.MAX_READ;
        }
        if (len == 0) {
            // sftp-server answers a zero-length read with empty data, not EOF.
            s.send(new Encoder(Sftp.FXP_DATA, 16).u32(id).u32(0));
            return;
        }
        // The data is read into native memory behind the reply's header, and the reply leaves
        // from there (ReplySink): the file's bytes are never copied into Java.
        int n = -1;
        try {
            if (off == f.readThrough && len >= SPLICE_MIN) {
                n = s.sendFileData(id, f.fd, off, (int) len);
            }
            if (n < 0) {
                ByteBuffer reply = NativeScratch.get(DATA_HEADER + (int) len);
                n = s.posix.pread(f.fd, reply, DATA_HEADER, (int) len, off);
                if (n > 0) {
                    Sftp.dataHeader(reply, id, n);
                    s.send(reply, DATA_HEADER + n);
                }
            }
        } catch (SysCallException e) {
            log.error("read \"%.100s\": %s", show(f.name()), e.reason());
            s.status(id, Status.fromErrno(e.errno()));
            return;
        }
        f.readThrough = n == len ? off + n : -1;
        if (n == 0) {
            s.status(id, Status.EOF);
            return;
        }
        f.bytesRead += n;
    }

    static void write(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        FileHandle f = s.fileHandle(in.string());
        long off = in.u64();
        Decoder.Slice data = in.slice();
        if (f == null) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: write \"%s\" off %d len %d", Integer.toUnsignedString(id), show(f.name()), off,
                data.length());
        Status status;
        try {
            // With O_APPEND, Linux pwrite appends whatever the offset, as sftp-server's unseeked write does.
            int n = s.request != null
                    ? s.posix.pwrite(f.fd, s.request, data.offset(), data.length(), off)
                    : s.posix.pwrite(f.fd, data.array(), data.offset(), data.length(), off);
            if (n == data.length()) {
                f.bytesWritten += n;
                status = Status.OK;
            } else {
                log.debug2("nothing at all written");
                status = Status.FAILURE;
            }
        } catch (SysCallException e) {
            log.error("write \"%.100s\": %s", show(f.name()), e.reason());
            status = Status.fromErrno(e.errno());
        }
        s.status(id, status);
    }

    static void fstat(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        FileHandle f = s.fileHandle(in.string());
        if (f == null) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: fstat \"%s\"", Integer.toUnsignedString(id), show(f.name()));
        s.attrs(id, Attrs.of(s.posix.fstat(f.fd)));
    }

    static void fsetstat(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        FileHandle f = s.fileHandle(in.string());
        Attrs a = Attrs.decode(in);
        if (f == null) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: fsetstat \"%s\"", Integer.toUnsignedString(id), show(f.name()));
        Posix p = s.posix;
        s.status(id, applyAttrs(f.name(), a,
                size -> p.ftruncate(f.fd, size),
                mode -> p.fchmod(f.fd, mode),
                (atime, mtime) -> p.futimes(f.fd, atime, mtime),
                (uid, gid) -> p.fchown(f.fd, uid, gid)));
    }

    static void fsync(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] wire = in.string();
        HandleTable.Handle h = s.handles.lookup(wire);
        log.debug3("request %s: fsync", Integer.toUnsignedString(id));
        log.verbose("fsync \"%s\"", h == null ? "(null)" : show(h.name()));
        if (!(h instanceof FileHandle f)) {
            s.status(id, Status.NO_SUCH_FILE);
            return;
        }
        try {
            s.posix.fsync(f.fd);
            s.status(id, Status.OK);
        } catch (SysCallException e) {
            s.status(id, Status.fromErrno(e.errno()));
        }
    }

    static void fstatvfs(SftpSession s, int id, Decoder in)
            throws MalformedPacketException, IOException, SysCallException {
        FileHandle f = s.fileHandle(in.string());
        if (f == null) {
            s.status(id, Status.FAILURE);
            return;
        }
        log.debug1("request %s: fstatvfs \"%s\"", Integer.toUnsignedString(id), show(f.name()));
        PathRequests.sendStatvfs(s, id, s.posix.fstatvfs(f.fd));
    }

    /**
     * Copies between two open files inside the server. Refuses, with FAILURE, to copy a file
     * onto itself: the same handle, the same path, or the same inode (a hard link or a
     * symlink to the source), since reading and writing one file would corrupt it.
     */
    static void copyData(SftpSession s, int id, Decoder in) throws MalformedPacketException, IOException {
        byte[] readWire = in.string();
        long readOff = in.u64();
        long readLen = in.u64();
        byte[] writeWire = in.string();
        long writeOff = in.u64();
        FileHandle from = s.fileHandle(readWire);
        FileHandle to = s.fileHandle(writeWire);
        log.debug1("request %s: copy-data from \"%s\" off %s len %s to \"%s\" off %s",
                Integer.toUnsignedString(id), from == null ? "(null)" : show(from.name()),
                Long.toUnsignedString(readOff), Long.toUnsignedString(readLen),
                to == null ? "(null)" : show(to.name()), Long.toUnsignedString(writeOff));
        if (from == null || to == null || from == to || Arrays.equals(from.name(), to.name())) {
            s.status(id, Status.FAILURE);
            return;
        }
        try {
            if (s.posix.fstat(from.fd).sameInode(s.posix.fstat(to.fd))) {
                log.error("copy-data: \"%s\" and \"%s\" are the same file", show(from.name()), show(to.name()));
                s.status(id, Status.FAILURE);
                return;
            }
        } catch (SysCallException e) {
            s.status(id, Status.fromErrno(e.errno()));
            return;
        }
        s.status(id, copy(s, from, readOff, readLen, to, writeOff));
    }

    /**
     * OpenSSH's loop, quirk included: the count still to copy is reduced before each read, so
     * a read that meets end of file on the last chunk still ends in OK.
     */
    private static Status copy(SftpSession s, FileHandle from, long readOff, long readLen, FileHandle to,
                               long writeOff) {
        boolean untilEof = readLen == 0;
        long remaining = untilEof ? -1 - readOff : readLen;
        byte[] buf = new byte[COPY_BUFFER];
        Status status = Status.OP_UNSUPPORTED;
        while (remaining != 0 || untilEof) {
            int want = Long.compareUnsigned(remaining, buf.length) < 0 ? (int) remaining : buf.length;
            remaining -= want;
            int n;
            try {
                n = s.posix.pread(from.fd, buf, 0, want, readOff);
            } catch (SysCallException e) {
                log.error("copy-data: read failed: %s", e.reason());
                status = Status.fromErrno(e.errno());
                break;
            }
            if (n == 0) {
                status = untilEof ? Status.OK : Status.EOF;
                break;
            }
            from.bytesRead += n;
            readOff += n;
            try {
                for (int done = 0; done < n; ) {
                    int w = s.posix.pwrite(to.fd, buf, done, n - done, writeOff);
                    done += w;
                    writeOff += w;
                }
            } catch (SysCallException e) {
                log.error("copy-data: write failed: %s", e.reason());
                status = Status.fromErrno(e.errno());
                break;
            }
            to.bytesWritten += n;
        }
        return remaining == 0 ? Status.OK : status;
    }

    /** limits@openssh.com: packet, read and write sizes, and how many handles may be open. */
    static void limits(SftpSession s, int id, Decoder in) throws IOException {
        log.debug1("request %s: limits", Integer.toUnsignedString(id));
        long nofile;
        try {
            nofile = Posix.get().openFilesLimit();
        } catch (SysCallException e) {
            nofile = 0;
        }
        long openHandles = nofile > 5 ? nofile - 5 : 0;
        s.send(s.extendedReply(id, 48)
                .u64(Sftp.MAX_MESSAGE)
                .u64(Sftp.MAX_READ)
                .u64(Sftp.MAX_READ)
                .u64(openHandles));
    }

    // setstat, fsetstat and lsetstat share OpenSSH's order and logging; the last failure wins.

    interface SizeOp { void apply(long size) throws SysCallException; }

    interface ModeOp { void apply(int mode) throws SysCallException; }

    interface TimesOp { void apply(long atime, long mtime) throws SysCallException; }

    interface OwnerOp { void apply(int uid, int gid) throws SysCallException; }

    static Status applyAttrs(byte[] name, Attrs a, SizeOp size, ModeOp mode, TimesOp times, OwnerOp owner) {
        Status status = Status.OK;
        if (a.has(Sftp.ATTR_SIZE)) {
            log.info("set \"%s\" size %s", show(name), Long.toUnsignedString(a.size()));
            status = attempt(status, () -> size.apply(a.size()));
        }
        if (a.has(Sftp.ATTR_PERMISSIONS)) {
            log.info("set \"%s\" mode %04o", show(name), a.perm());
            status = attempt(status, () -> mode.apply(a.perm() & 07777));
        }
        if (a.has(Sftp.ATTR_ACMODTIME)) {
            long mtime = Integer.toUnsignedLong(a.mtime());
            log.info("set \"%s\" modtime %s", show(name),
                    MODTIME.format(Instant.ofEpochSecond(mtime).atZone(ZoneId.systemDefault())));
            status = attempt(status, () -> times.apply(Integer.toUnsignedLong(a.atime()), mtime));
        }
        if (a.has(Sftp.ATTR_UIDGID)) {
            log.info("set \"%s\" owner %s group %s", show(name), Integer.toUnsignedString(a.uid()),
                    Integer.toUnsignedString(a.gid()));
            status = attempt(status, () -> owner.apply(a.uid(), a.gid()));
        }
        return status;
    }

    private interface Call { void run() throws SysCallException; }

    private static Status attempt(Status sofar, Call call) {
        try {
            call.run();
            return sofar;
        } catch (SysCallException e) {
            return Status.fromErrno(e.errno());
        }
    }

    /** flags_from_portable() of sftp-server.c. */
    static int flagsFromPortable(int pflags) {
        int flags;
        if ((pflags & Sftp.FXF_READ) != 0 && (pflags & Sftp.FXF_WRITE) != 0) {
            flags = Posix.O_RDWR;
        } else if ((pflags & Sftp.FXF_WRITE) != 0) {
            flags = Posix.O_WRONLY;
        } else {
            flags = Posix.O_RDONLY;
        }
        if ((pflags & Sftp.FXF_APPEND) != 0) {
            flags |= Posix.O_APPEND;
        }
        if ((pflags & Sftp.FXF_CREAT) != 0) {
            flags |= Posix.O_CREAT;
        }
        if ((pflags & Sftp.FXF_TRUNC) != 0) {
            flags |= Posix.O_TRUNC;
        }
        if ((pflags & Sftp.FXF_EXCL) != 0) {
            flags |= Posix.O_EXCL;
        }
        return flags;
    }

    /** string_from_portable(): "READ,WRITE,CREATE" for the open log line. */
    static String describe(int pflags) {
        String[] names = {"READ", "WRITE", "APPEND", "CREATE", "TRUNCATE", "EXCL"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((pflags & (1 << i)) != 0) {
                b.append(b.length() == 0 ? "" : ",").append(names[i]);
            }
        }
        return b.toString();
    }
}
