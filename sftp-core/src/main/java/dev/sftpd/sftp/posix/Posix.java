// The system calls the SFTP handlers make, each throwing SysCallException with its errno.
package dev.sftpd.sftp.posix;

import com.kenai.jffi.LastError;
import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * One instance per process. Paths are raw byte strings, exactly as the client sent them;
 * file I/O is positional (pread/pwrite) so handles never share a file offset.
 */
public final class Posix {
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_ACCMODE = 03;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final int F_SETPIPE_SZ = 1031;
    private static final long SIOCOUTQ = 0x5411;
    private static final long FIONREAD = 0x541B;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int PATH_MAX = 4096;
    private static final int DIRENT_NAME_OFFSET = 19;
    private static final int RLIMIT_NOFILE = 7;
    /** struct passwd and struct group on every 64-bit glibc: pointers of 8 bytes, ids of 4. */
    private static final int PW_NAME = 0, PW_UID = 16, PW_GID = 20, PW_DIR = 32, GR_NAME = 0;
    private static final int LOOKUP_STRUCT_SIZE = 64;
    /** glibc's sysconf(_SC_GETPW_R_SIZE_MAX); a larger entry (a group of many members) doubles it. */
    private static final int LOOKUP_BUFFER = 1024;
    private static final int LOOKUP_BUFFER_MAX = 1 << 20;

    /**
     * glibc's soname, which every binding of libc loads by. Given "c", jnr-ffi first tries
     * dlopen("c") and then lists every directory of the library path (1,100 entries in Debian's
     * /usr/lib/x86_64-linux-gnu) to match file names against a pattern, once per binding: 5 ms
     * of CPU for a process's first and 2.5 for each further one, in every transport and engine.
     */
    public static final String LIBC = "libc.so.6";

    private static final MemoryIO MEMORY = MemoryIO.getInstance();
    private static final Posix INSTANCE = new Posix(new LibcFunctions());

    private final Libc libc;

    private Posix(Libc libc) {
        this.libc = libc;
    }

    public static Posix get() {
        return INSTANCE;
    }

    /**
     * The process's libc, reached through {@code wrap}: the fuzz tests confine every path a
     * session names to a scratch directory this way. A wrapper that refuses a call returns -1
     * after setting errno with {@link #setErrno}.
     */
    public static Posix wrapping(java.util.function.UnaryOperator<Libc> wrap) {
        return new Posix(wrap.apply(INSTANCE.libc));
    }

    /** Sets the errno the next failed call reports: what a wrapping libc does when it refuses. */
    public static void setErrno(int errno) {
        LastError.getInstance().set(errno);
    }

    /** open(2); every descriptor is close-on-exec so nothing leaks into spawned programs. */
    public int open(byte[] path, int flags, int mode) throws SysCallException {
        return check("open", libc.open(cpath(path), flags | O_CLOEXEC, mode));
    }

    public void close(int fd) throws SysCallException {
        check("close", libc.close(fd));
    }

    /** pread(2) into buf[off, off+len); returns the byte count, 0 at end of file. Copies only what was read. */
    public int pread(int fd, byte[] buf, int off, int len, long position) throws SysCallException {
        Objects.checkFromIndexSize(off, len, buf.length);
        ByteBuffer scratch = NativeScratch.get(len);
        int n = pread(fd, scratch, 0, len, position);
        scratch.get(0, buf, off, n);
        return n;
    }

    /** pread(2) into direct[at, at+len); returns the byte count, 0 at end of file. Copies nothing. */
    public int pread(int fd, ByteBuffer direct, int at, int len, long position) throws SysCallException {
        return (int) check("pread", libc.pread(fd, direct.slice(at, len), len, position));
    }

    /** read(2) into direct[at, at+len); returns the byte count, 0 at end of input. */
    public int read(int fd, ByteBuffer direct, int at, int len) throws SysCallException {
        return (int) check("read", libc.read(fd, direct.slice(at, len), len));
    }

    /** pwrite(2) of direct[at, at+len), straight from native memory. */
    public int pwrite(int fd, ByteBuffer direct, int at, int len, long position) throws SysCallException {
        return (int) check("pwrite", libc.pwrite(fd, direct.slice(at, len), len, position));
    }

    /** write(2) of all of direct[from, from+len) to a blocking descriptor. */
    public void writeFully(int fd, ByteBuffer direct, int from, int len) throws SysCallException {
        for (int done = 0; done < len; ) {
            done += (int) check("write", libc.write(fd, direct.slice(from + done, len - done), len - done));
        }
    }

    /** pipe2(2), close-on-exec: its read end, then its write end. */
    public int[] pipe() throws SysCallException {
        int[] fds = new int[2];
        check("pipe2", libc.pipe2(fds, O_CLOEXEC));
        return fds;
    }

    /** fcntl(F_SETPIPE_SZ): makes a pipe hold at least size bytes; returns what it now holds. */
    public int setPipeSize(int fd, int size) throws SysCallException {
        return check("fcntl(F_SETPIPE_SZ)", libc.fcntl(fd, F_SETPIPE_SZ, size));
    }

    /**
     * splice(2) of at most len bytes from in to out, one of them a pipe: from in's position
     * {@code at}, or from its own offset when at is -1. Returns the count moved, 0 at the end of
     * the input.
     */
    public int splice(int in, long at, int out, int len) throws SysCallException {
        return (int) check("splice", libc.splice(in, at < 0 ? null : new long[] {at}, out, null, len, 0));
    }

    /**
     * What an output descriptor holds that its reader has not read: SIOCOUTQ of a socket (for a
     * Unix stream socket, what the peer has yet to read), FIONREAD of a pipe.
     */
    public int queued(int fd, boolean socket) throws SysCallException {
        int[] count = new int[1];
        check(socket ? "ioctl(SIOCOUTQ)" : "ioctl(FIONREAD)", libc.ioctl(fd, socket ? SIOCOUTQ : FIONREAD, count));
        return count[0];
    }

    public int pwrite(int fd, byte[] buf, int off, int len, long position) throws SysCallException {
        return (int) check("pwrite", libc.pwrite(fd, ByteBuffer.wrap(buf, off, len).slice(), len, position));
    }

    public void fsync(int fd) throws SysCallException {
        check("fsync", libc.fsync(fd));
    }

    public void ftruncate(int fd, long length) throws SysCallException {
        check("ftruncate", libc.ftruncate(fd, length));
    }

    public void truncate(byte[] path, long length) throws SysCallException {
        check("truncate", libc.truncate(cpath(path), length));
    }

    public Stat stat(byte[] path) throws SysCallException {
        byte[] b = new byte[Stat.BUFFER_SIZE];
        check("stat", libc.stat(cpath(path), b));
        return Stat.decode(b);
    }

    public Stat lstat(byte[] path) throws SysCallException {
        byte[] b = new byte[Stat.BUFFER_SIZE];
        check("lstat", libc.lstat(cpath(path), b));
        return Stat.decode(b);
    }

    public Stat fstat(int fd) throws SysCallException {
        byte[] b = new byte[Stat.BUFFER_SIZE];
        check("fstat", libc.fstat(fd, b));
        return Stat.decode(b);
    }

    public StatVfs statvfs(byte[] path) throws SysCallException {
        byte[] b = new byte[StatVfs.BUFFER_SIZE];
        check("statvfs", libc.statvfs(cpath(path), b));
        return StatVfs.decode(b);
    }

    public StatVfs fstatvfs(int fd) throws SysCallException {
        byte[] b = new byte[StatVfs.BUFFER_SIZE];
        check("fstatvfs", libc.fstatvfs(fd, b));
        return StatVfs.decode(b);
    }

    public void chmod(byte[] path, int mode) throws SysCallException {
        check("chmod", libc.chmod(cpath(path), mode));
    }

    public void fchmod(int fd, int mode) throws SysCallException {
        check("fchmod", libc.fchmod(fd, mode));
    }

    public void lchmod(byte[] path, int mode) throws SysCallException {
        check("fchmodat", libc.fchmodat(AT_FDCWD, cpath(path), mode, AT_SYMLINK_NOFOLLOW));
    }

    public void chown(byte[] path, int uid, int gid) throws SysCallException {
        check("chown", libc.chown(cpath(path), uid, gid));
    }

    public void fchown(int fd, int uid, int gid) throws SysCallException {
        check("fchown", libc.fchown(fd, uid, gid));
    }

    public void lchown(byte[] path, int uid, int gid) throws SysCallException {
        check("fchownat", libc.fchownat(AT_FDCWD, cpath(path), uid, gid, AT_SYMLINK_NOFOLLOW));
    }

    /** Sets atime and mtime in whole seconds, following symlinks (utimes(2) semantics). */
    public void utimes(byte[] path, long atime, long mtime) throws SysCallException {
        check("utimensat", libc.utimensat(AT_FDCWD, cpath(path), timespecs(atime, mtime), 0));
    }

    public void lutimes(byte[] path, long atime, long mtime) throws SysCallException {
        check("utimensat", libc.utimensat(AT_FDCWD, cpath(path), timespecs(atime, mtime), AT_SYMLINK_NOFOLLOW));
    }

    public void futimes(int fd, long atime, long mtime) throws SysCallException {
        check("futimens", libc.futimens(fd, timespecs(atime, mtime)));
    }

    public DirStream opendir(byte[] path) throws SysCallException {
        long dir = libc.opendir(cpath(path));
        if (dir == 0) {
            throw new SysCallException("opendir", errno());
        }
        return new DirStream(dir);
    }

    public void unlink(byte[] path) throws SysCallException {
        check("unlink", libc.unlink(cpath(path)));
    }

    public void mkdir(byte[] path, int mode) throws SysCallException {
        check("mkdir", libc.mkdir(cpath(path), mode));
    }

    public void rmdir(byte[] path) throws SysCallException {
        check("rmdir", libc.rmdir(cpath(path)));
    }

    public void rename(byte[] from, byte[] to) throws SysCallException {
        check("rename", libc.rename(cpath(from), cpath(to)));
    }

    public void link(byte[] from, byte[] to) throws SysCallException {
        check("link", libc.link(cpath(from), cpath(to)));
    }

    public void symlink(byte[] target, byte[] linkPath) throws SysCallException {
        check("symlink", libc.symlink(cpath(target), cpath(linkPath)));
    }

    public byte[] readlink(byte[] path) throws SysCallException {
        byte[] buf = new byte[PATH_MAX];
        int n = (int) check("readlink", libc.readlink(cpath(path), buf, buf.length - 1));
        return Arrays.copyOf(buf, n);
    }

    public byte[] getcwd() throws SysCallException {
        byte[] buf = new byte[PATH_MAX];
        if (libc.getcwd(buf, buf.length) == 0) {
            throw new SysCallException("getcwd", errno());
        }
        int n = 0;
        while (buf[n] != 0) {
            n++;
        }
        return Arrays.copyOf(buf, n);
    }

    public void chdir(byte[] path) throws SysCallException {
        check("chdir", libc.chdir(cpath(path)));
    }

    public int umask(int mask) {
        return libc.umask(mask);
    }

    public int getuid() {
        return libc.getuid();
    }

    /** getrlimit(2) RLIMIT_NOFILE: the soft limit on open descriptors, RLIM_INFINITY as -1. */
    public long openFilesLimit() throws SysCallException {
        long[] rlim = new long[2];
        check("getrlimit", libc.getrlimit(RLIMIT_NOFILE, rlim));
        return rlim[0];
    }

    /** An account as NSS gives it (getpwnam(3)), as far as the engine needs it. */
    public record Passwd(byte[] name, int uid, int gid, byte[] home) {}

    /** getpwnam_r(3); empty when NSS knows no such account. */
    public Optional<Passwd> getpwnam(byte[] name) throws SysCallException {
        byte[] cname = cpath(name);
        return lookup("getpwnam_r", (pwd, buf, len, result) -> libc.getpwnam_r(cname, pwd, buf, len, result),
                Posix::passwd);
    }

    /** getpwuid_r(3); empty when NSS knows no account of that uid. */
    public Optional<Passwd> getpwuid(int uid) throws SysCallException {
        return lookup("getpwuid_r", (pwd, buf, len, result) -> libc.getpwuid_r(uid, pwd, buf, len, result),
                Posix::passwd);
    }

    /** getgrgid_r(3): the group's name; empty when NSS knows no group of that gid. */
    public Optional<byte[]> groupName(int gid) throws SysCallException {
        return lookup("getgrgid_r", (grp, buf, len, result) -> libc.getgrgid_r(gid, grp, buf, len, result),
                grp -> string(MEMORY.getAddress(grp + GR_NAME)));
    }

    private interface Lookup {
        int call(long entry, long buf, long buflen, long result);
    }

    /**
     * One reentrant NSS lookup: the struct it fills in, with the strings it points at in native
     * memory of ours, read with {@code read} before that memory is freed; empty when the entry
     * does not exist. A buffer too small (ERANGE) is doubled, as the manual pages' examples do.
     */
    private <T> Optional<T> lookup(String call, Lookup lookup, LongFunction<T> read) throws SysCallException {
        for (int len = LOOKUP_BUFFER; ; len *= 2) {
            long memory = MEMORY.allocateMemory(LOOKUP_STRUCT_SIZE + Long.BYTES + len, true);
            if (memory == 0) {
                throw new OutOfMemoryError("NSS lookup buffer of " + len + " bytes");
            }
            try {
                long entry = memory;
                long result = memory + LOOKUP_STRUCT_SIZE;
                int error = lookup.call(entry, result + Long.BYTES, len, result);
                if (error == 0) {
                    return MEMORY.getAddress(result) == 0 ? Optional.empty() : Optional.of(read.apply(entry));
                }
                if (error != Errno.ERANGE || len >= LOOKUP_BUFFER_MAX) {
                    throw new SysCallException(call, error);
                }
            } finally {
                MEMORY.freeMemory(memory);
            }
        }
    }

    private static Passwd passwd(long pwd) {
        return new Passwd(string(MEMORY.getAddress(pwd + PW_NAME)), MEMORY.getInt(pwd + PW_UID),
                MEMORY.getInt(pwd + PW_GID), string(MEMORY.getAddress(pwd + PW_DIR)));
    }

    /** The bytes of a C string, without its NUL. */
    private static byte[] string(long s) {
        return MEMORY.getZeroTerminatedByteArray(s);
    }

    /** A directory stream; not thread-safe, like readdir(3). */
    public final class DirStream implements AutoCloseable {
        private long dir;

        private DirStream(long dir) {
            this.dir = dir;
        }

        /** The next entry's name, or null at the end of the directory. */
        public byte[] next() {
            long entry = libc.readdir(dir);
            return entry == 0 ? null : MEMORY.getZeroTerminatedByteArray(entry + DIRENT_NAME_OFFSET);
        }

        @Override
        public void close() throws SysCallException {
            long d = dir;
            dir = 0;
            if (d != 0) {
                check("closedir", libc.closedir(d));
            }
        }
    }

    private static long[] timespecs(long atime, long mtime) {
        return new long[] {atime, 0, mtime, 0};
    }

    /** A NUL-terminated copy; a path holding NUL itself is cut there, as C would read it. */
    static byte[] cpath(byte[] path) {
        return Arrays.copyOf(path, path.length + 1);
    }

    private static int errno() {
        return CFunction.errno();
    }

    private long check(String call, long result) throws SysCallException {
        if (result == -1) {
            throw new SysCallException(call, errno());
        }
        return result;
    }

    private int check(String call, int result) throws SysCallException {
        if (result == -1) {
            throw new SysCallException(call, errno());
        }
        return result;
    }
}
