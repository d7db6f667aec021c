// The libc calls behind every SFTP request, as Java declares them: paths stay byte strings.
package dev.sftpd.sftp.posix;

import java.nio.ByteBuffer;

/**
 * Called through {@link LibcFunctions}; an interface so that the fuzz tests can stand between
 * the engine and libc. Paths are NUL-terminated byte arrays (see {@link Posix#cpath}) because
 * SFTP names are arbitrary bytes; every other byte array is a buffer the call fills (statbuf,
 * buf). Pointers are addresses, 0 for NULL. pread and read read into a direct buffer, write
 * writes from one, pwrite from either, each from the buffer's position.
 */
public interface Libc {
    int open(byte[] path, int flags, int mode);
    int close(int fd);
    long pread(int fd, ByteBuffer buf, long count, long offset);
    long pwrite(int fd, ByteBuffer buf, long count, long offset);
    long read(int fd, ByteBuffer buf, long count);
    long write(int fd, ByteBuffer buf, long count);
    // A READ's data, moved by the kernel from the file through a pipe to the session's output.
    int pipe2(int[] fds, int flags);
    int fcntl(int fd, int cmd, int arg);
    long splice(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags);
    int ioctl(int fd, long request, int[] value);
    int fsync(int fd);
    int ftruncate(int fd, long length);
    int truncate(byte[] path, long length);

    int stat(byte[] path, byte[] statbuf);
    int lstat(byte[] path, byte[] statbuf);
    int fstat(int fd, byte[] statbuf);
    int statvfs(byte[] path, byte[] buf);
    int fstatvfs(int fd, byte[] buf);

    int chmod(byte[] path, int mode);
    int fchmod(int fd, int mode);
    int fchmodat(int dirfd, byte[] path, int mode, int flags);
    int chown(byte[] path, int uid, int gid);
    int fchown(int fd, int uid, int gid);
    int fchownat(int dirfd, byte[] path, int uid, int gid, int flags);
    int utimensat(int dirfd, byte[] path, long[] times, int flags);
    int futimens(int fd, long[] times);

    long opendir(byte[] path);
    long readdir(long dirp);
    int closedir(long dirp);

    int unlink(byte[] path);
    int mkdir(byte[] path, int mode);
    int rmdir(byte[] path);
    int rename(byte[] oldpath, byte[] newpath);
    int link(byte[] oldpath, byte[] newpath);
    int symlink(byte[] target, byte[] linkpath);
    long readlink(byte[] path, byte[] buf, long size);

    long getcwd(byte[] buf, long size);
    int chdir(byte[] path);
    int umask(int mask);

    int getuid();
    int getrlimit(int resource, long[] rlim);
    // The reentrant lookups return the error number; result and the struct's strings point into buf.
    int getpwnam_r(byte[] name, long pwd, long buf, long buflen, long result);
    int getpwuid_r(int uid, long pwd, long buf, long buflen, long result);
    int getgrgid_r(int gid, long grp, long buf, long buflen, long result);

}
