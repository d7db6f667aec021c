// libc's functions behind every SFTP request, called through jffi (CFunction), not a jnr-ffi proxy.
package dev.sftpd.sftp.posix;

import static dev.sftpd.sftp.posix.CFunction.Array.in;
import static dev.sftpd.sftp.posix.CFunction.Array.out;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.nio.ByteBuffer;

/** Arrays are copied in or out, never pinned: any of these may wait on a disk or on NSS. */
final class LibcFunctions extends CLibrary implements Libc {
    private static final MemoryIO MEMORY = MemoryIO.getInstance();

    private final CFunction open = function("open", Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
    private final CFunction close = function("close", Type.SINT, Type.SINT);
    private final CFunction pread = function("pread", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);
    private final CFunction pwrite = function("pwrite", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);
    private final CFunction read = function("read", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
    private final CFunction write = function("write", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
    private final CFunction pipe2 = function("pipe2", Type.SINT, Type.POINTER, Type.SINT);
    private final CFunction fcntl = variadic("fcntl", 2, Type.SINT, Type.SINT, Type.SINT, Type.SINT);
    private final CFunction splice = function("splice", Type.SLONG, Type.SINT, Type.POINTER, Type.SINT, Type.POINTER,
            Type.ULONG, Type.UINT);
    private final CFunction ioctl = variadic("ioctl", 2, Type.SINT, Type.SINT, Type.ULONG, Type.POINTER);
    private final CFunction fsync = function("fsync", Type.SINT, Type.SINT);
    private final CFunction ftruncate = function("ftruncate", Type.SINT, Type.SINT, Type.SLONG);
    private final CFunction truncate = function("truncate", Type.SINT, Type.POINTER, Type.SLONG);
    private final CFunction stat = function("stat", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction lstat = function("lstat", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction fstat = function("fstat", Type.SINT, Type.SINT, Type.POINTER);
    private final CFunction statvfs = function("statvfs", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction fstatvfs = function("fstatvfs", Type.SINT, Type.SINT, Type.POINTER);
    private final CFunction chmod = function("chmod", Type.SINT, Type.POINTER, Type.SINT);
    private final CFunction fchmod = function("fchmod", Type.SINT, Type.SINT, Type.SINT);
    private final CFunction fchmodat = function("fchmodat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
    private final CFunction chown = function("chown", Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
    private final CFunction fchown = function("fchown", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
    private final CFunction fchownat = function("fchownat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.SINT,
            Type.SINT);
    private final CFunction utimensat = function("utimensat", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER,
            Type.SINT);
    private final CFunction futimens = function("futimens", Type.SINT, Type.SINT, Type.POINTER);
    private final CFunction opendir = function("opendir", Type.POINTER, Type.POINTER);
    private final CFunction readdir = function("readdir", Type.POINTER, Type.POINTER);
    private final CFunction closedir = function("closedir", Type.SINT, Type.POINTER);
    private final CFunction unlink = function("unlink", Type.SINT, Type.POINTER);
    private final CFunction mkdir = function("mkdir", Type.SINT, Type.POINTER, Type.SINT);
    private final CFunction rmdir = function("rmdir", Type.SINT, Type.POINTER);
    private final CFunction rename = function("rename", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction link = function("link", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction symlink = function("symlink", Type.SINT, Type.POINTER, Type.POINTER);
    private final CFunction readlink = function("readlink", Type.SLONG, Type.POINTER, Type.POINTER, Type.SLONG);
    private final CFunction getcwd = function("getcwd", Type.POINTER, Type.POINTER, Type.SLONG);
    private final CFunction chdir = function("chdir", Type.SINT, Type.POINTER);
    private final CFunction umask = function("umask", Type.SINT, Type.SINT);
    private final CFunction getuid = function("getuid", Type.SINT);
    private final CFunction getrlimit = function("getrlimit", Type.SINT, Type.SINT, Type.POINTER);
    private final CFunction getpwnam_r = function("getpwnam_r", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER,
            Type.SLONG, Type.POINTER);
    private final CFunction getpwuid_r = function("getpwuid_r", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER,
            Type.SLONG, Type.POINTER);
    private final CFunction getgrgid_r = function("getgrgid_r", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER,
            Type.SLONG, Type.POINTER);

    LibcFunctions() {
        super(Posix.LIBC);
    }

    @Override
    public int open(byte[] path, int flags, int mode) {
        return (int) open.call(in(0, path), 0, flags, mode);
    }

    @Override
    public int close(int fd) {
        return (int) close.call(fd);
    }

    @Override
    public long pread(int fd, ByteBuffer buf, long count, long offset) {
        return pread.call(fd, address(buf), count, offset);
    }

    @Override
    public long pwrite(int fd, ByteBuffer buf, long count, long offset) {
        if (buf.isDirect()) {
            return pwrite.call(fd, address(buf), count, offset);
        }
        return pwrite.call(in(1, buf), fd, 0, count, offset);
    }

    @Override
    public long read(int fd, ByteBuffer buf, long count) {
        return read.call(fd, address(buf), count);
    }

    @Override
    public long write(int fd, ByteBuffer buf, long count) {
        return write.call(fd, address(buf), count);
    }

    @Override
    public int pipe2(int[] fds, int flags) {
        return (int) pipe2.call(out(0, fds), 0, flags);
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return (int) fcntl.call(fd, cmd, arg);
    }

    @Override
    public long splice(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags) {
        return splice.call(in(1, offIn), in(3, offOut), fdIn, 0, fdOut, 0, len, flags);
    }

    @Override
    public int ioctl(int fd, long request, int[] value) {
        return (int) ioctl.call(out(2, value), fd, request, 0);
    }

    /** Where a direct buffer's position is in memory. */
    private static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("a heap buffer where native memory is needed");
        }
        return MEMORY.getDirectBufferAddress(direct) + direct.position();
    }

    @Override
    public int fsync(int fd) {
        return (int) fsync.call(fd);
    }

    @Override
    public int ftruncate(int fd, long length) {
        return (int) ftruncate.call(fd, length);
    }

    @Override
    public int truncate(byte[] path, long length) {
        return (int) truncate.call(in(0, path), 0, length);
    }

    @Override
    public int stat(byte[] path, byte[] statbuf) {
        return (int) stat.call(in(0, path), out(1, statbuf), 0, 0);
    }

    @Override
    public int lstat(byte[] path, byte[] statbuf) {
        return (int) lstat.call(in(0, path), out(1, statbuf), 0, 0);
    }

    @Override
    public int fstat(int fd, byte[] statbuf) {
        return (int) fstat.call(out(1, statbuf), fd, 0);
    }

    @Override
    public int statvfs(byte[] path, byte[] buf) {
        return (int) statvfs.call(in(0, path), out(1, buf), 0, 0);
    }

    @Override
    public int fstatvfs(int fd, byte[] buf) {
        return (int) fstatvfs.call(out(1, buf), fd, 0);
    }

    @Override
    public int chmod(byte[] path, int mode) {
        return (int) chmod.call(in(0, path), 0, mode);
    }

    @Override
    public int fchmod(int fd, int mode) {
        return (int) fchmod.call(fd, mode);
    }

    @Override
    public int fchmodat(int dirfd, byte[] path, int mode, int flags) {
        return (int) fchmodat.call(in(1, path), dirfd, 0, mode, flags);
    }

    @Override
    public int chown(byte[] path, int uid, int gid) {
        return (int) chown.call(in(0, path), 0, uid, gid);
    }

    @Override
    public int fchown(int fd, int uid, int gid) {
        return (int) fchown.call(fd, uid, gid);
    }

    @Override
    public int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) {
        return (int) fchownat.call(in(1, path), dirfd, 0, uid, gid, flags);
    }

    @Override
    public int utimensat(int dirfd, byte[] path, long[] times, int flags) {
        return (int) utimensat.call(in(1, path), in(2, times), dirfd, 0, 0, flags);
    }

    @Override
    public int futimens(int fd, long[] times) {
        return (int) futimens.call(in(1, times), fd, 0);
    }

    @Override
    public long opendir(byte[] path) {
        return opendir.call(in(0, path), 0);
    }

    @Override
    public long readdir(long dirp) {
        return readdir.call(dirp);
    }

    @Override
    public int closedir(long dirp) {
        return (int) closedir.call(dirp);
    }

    @Override
    public int unlink(byte[] path) {
        return (int) unlink.call(in(0, path), 0);
    }

    @Override
    public int mkdir(byte[] path, int mode) {
        return (int) mkdir.call(in(0, path), 0, mode);
    }

    @Override
    public int rmdir(byte[] path) {
        return (int) rmdir.call(in(0, path), 0);
    }

    @Override
    public int rename(byte[] oldpath, byte[] newpath) {
        return (int) rename.call(in(0, oldpath), in(1, newpath), 0, 0);
    }

    @Override
    public int link(byte[] oldpath, byte[] newpath) {
        return (int) link.call(in(0, oldpath), in(1, newpath), 0, 0);
    }

    @Override
    public int symlink(byte[] target, byte[] linkpath) {
        return (int) symlink.call(in(0, target), in(1, linkpath), 0, 0);
    }

    @Override
    public long readlink(byte[] path, byte[] buf, long size) {
        return readlink.call(in(0, path), out(1, buf), 0, 0, size);
    }

    @Override
    public long getcwd(byte[] buf, long size) {
        return getcwd.call(out(0, buf), 0, size);
    }

    @Override
    public int chdir(byte[] path) {
        return (int) chdir.call(in(0, path), 0);
    }

    @Override
    public int umask(int mask) {
        return (int) umask.call(mask);
    }

    @Override
    public int getuid() {
        return (int) getuid.call();
    }

    @Override
    public int getrlimit(int resource, long[] rlim) {
        return (int) getrlimit.call(out(1, rlim), resource, 0);
    }

    @Override
    public int getpwnam_r(byte[] name, long pwd, long buf, long buflen, long result) {
        return (int) getpwnam_r.call(in(0, name), 0, pwd, buf, buflen, result);
    }

    @Override
    public int getpwuid_r(int uid, long pwd, long buf, long buflen, long result) {
        return (int) getpwuid_r.call(uid, pwd, buf, buflen, result);
    }

    @Override
    public int getgrgid_r(int gid, long grp, long buf, long buflen, long result) {
        return (int) getgrgid_r.call(gid, grp, buf, buflen, result);
    }
}
