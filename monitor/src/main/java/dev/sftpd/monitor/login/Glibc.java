// The glibc calls that write login records, bound with jnr-ffi because jnr-posix has none of them.
package dev.sftpd.monitor.login;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;

/** Each call throws SysCallException naming the call and the file, e.g. "open /var/log/lastlog". */
final class Glibc {
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;
    private static final int EIO = 5;
    private static final int EEXIST = 17;
    private static final int KEEP_ID = -1;

    private static final Glibc INSTANCE = new Glibc();

    private final Calls calls;
    private final Runtime runtime;

    /** Public only because jnr-ffi implements it from another class loader; Glibc keeps it internal. */
    public interface Calls {
        @SaveError
        int utmpxname(String file);

        void setutxent();

        @SaveError
        Pointer pututxline(@In byte[] utx);

        void endutxent();

        @SaveError
        void updwtmpx(String file, @In byte[] utx);

        @SaveError
        int open(String path, int flags, int mode);

        @SaveError
        int fchmod(int fd, int mode);

        @SaveError
        int fchown(int fd, int uid, int gid);

        @SaveError
        long pwrite(int fd, @In ByteBuffer buf, long count, long offset);

        int close(int fd);
    }

    private Glibc() {
        calls = LibraryLoader.create(Calls.class).load(Posix.LIBC);
        runtime = Runtime.getRuntime(calls);
    }

    static Glibc get() {
        return INSTANCE;
    }

    /**
     * loginrec.c's utmpx_write_library() on the file named by utmpxname(3). pututxline replaces the
     * slot with the same ut_id, else appends. Synchronized: glibc keeps the file name and the open
     * utmp stream in process-wide state (utmpx functions are "MT-Unsafe race:utent").
     */
    synchronized void pututxline(Path utmp, byte[] utx) throws SysCallException {
        check("utmpxname", utmp, calls.utmpxname(utmp.toString()));
        calls.setutxent();
        Pointer written = calls.pututxline(utx);
        int errno = LastError.getLastError(runtime);
        calls.endutxent();
        if (written == null) {
            throw new SysCallException("pututxline " + utmp, errno);
        }
    }

    /**
     * updwtmpx(3) appends under a lock and reports nothing, and errno cannot tell: glibc probes
     * other file names with access(2) on the way, leaving ENOENT behind a successful append. So
     * the file's size says whether the record landed. Synchronized: it is "MT-Unsafe sig:ALRM
     * timer" (its lock timeout borrows the process's SIGALRM).
     */
    synchronized void updwtmpx(Path wtmp, byte[] utx) throws SysCallException {
        long before = size(wtmp);
        LastError.setLastError(runtime, 0);
        calls.updwtmpx(wtmp.toString(), utx);
        int errno = LastError.getLastError(runtime);
        if (before < 0 || size(wtmp) < before + utx.length) {
            throw new SysCallException("updwtmpx " + wtmp, errno == 0 ? EIO : errno);
        }
    }

    private static long size(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /**
     * Creates the file with exactly {@code mode} (the umask would narrow it) and group {@code gid}
     * (-1 keeps the creator's), unless it exists: glibc's utmp and wtmp writers never create one.
     * O_EXCL leaves an existing file's mode and group alone, even when another process won the race.
     */
    void createIfMissing(Path file, int mode, int gid) throws SysCallException {
        int fd = calls.open(file.toString(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0) {
            int errno = LastError.getLastError(runtime);
            if (errno == EEXIST) {
                return;
            }
            throw new SysCallException("open " + file, errno);
        }
        try {
            check("fchmod", file, calls.fchmod(fd, mode));
            check("fchown", file, calls.fchown(fd, KEEP_ID, gid));
        } finally {
            calls.close(fd);
        }
    }

    /** Writes all of {@code data} at {@code offset}, beyond the end of the file if need be. */
    void pwrite(Path file, byte[] data, long offset) throws SysCallException {
        int fd = (int) check("open", file, calls.open(file.toString(), O_WRONLY | O_CLOEXEC, 0));
        try {
            // As OpenSSH's atomicio(): a short write is continued, so a full disk reports ENOSPC.
            for (int done = 0; done < data.length; ) {
                int left = data.length - done;
                done += (int) check("pwrite", file,
                        calls.pwrite(fd, ByteBuffer.wrap(data, done, left).slice(), left, offset + done));
            }
        } finally {
            calls.close(fd);
        }
    }

    private long check(String call, Path file, long result) throws SysCallException {
        if (result < 0) {
            throw new SysCallException(call + " " + file, LastError.getLastError(runtime));
        }
        return result;
    }
}
