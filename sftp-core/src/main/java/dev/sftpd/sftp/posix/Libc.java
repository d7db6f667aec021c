// The libc calls behind every SFTP request, bound with jnr-ffi so paths stay byte strings.
package dev.sftpd.sftp.posix;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**

 * Public only because jnr-ffi generates its implementation in another class loader.
 * Paths are NUL-terminated byte arrays (see {@link Posix#cpath}) because SFTP names are
 * arbitrary bytes and jnr-posix would push them through the JVM's default charset.
 */
@SaveError
public interface Libc {
    int open(@In byte[] path, int flags, int mode);
    int close(int fd);
    long pread(int fd, @Out ByteBuffer buf, long count, long offset);
    long pwrite(int fd, @In ByteBuffer buf, long count, long offset);
    int fsync(int fd);
    int ftruncate(int fd, long length);
    int truncate(@In byte[] path, long length);

    int stat(@In byte[] path, @Out byte[] statbuf);
    int lstat(@In byte[] path, @Out byte[] statbuf);
    int fstat(int fd, @Out byte[] statbuf);
    int statvfs(@In byte[] path, @Out byte[] buf);
    int fstatvfs(int fd, @Out byte[] buf);

    int chmod(@In byte[] path, int mode);
    int fchmod(int fd, int mode);
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);
    int chown(@In byte[] path, int uid, int gid);
    int fchown(int fd, int uid, int gid);
    int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);
    int futimens(int fd, @In long[] times);

    Pointer opendir(@In byte[] path);
    Pointer readdir(Pointer dirp);
    int closedir(Pointer dirp);

    int unlink(@In byte[] path);
    int mkdir(@In byte[] path, int mode);
    int rmdir(@In byte[] path);
    int rename(@In byte[] oldpath, @In byte[] newpath);
    int link(@In byte[] oldpath, @In byte[] newpath);
    int symlink(@In byte[] target, @In byte[] linkpath);
    long readlink(@In byte[] path, @Out byte[] buf, long size);

    Pointer getcwd(@Out byte[] buf, long size);
    int chdir(@In byte[] path);
    int umask(int mask);

    int getuid();
    int getrlimit(int resource, @Out long[] rlim);
    // The reentrant lookups return the error number; result and the struct's strings point into buf.
    int getpwnam_r(@In byte[] name, Pointer pwd, Pointer buf, long buflen, Pointer result);
    int getpwuid_r(int uid, Pointer pwd, Pointer buf, long buflen, Pointer result);
    int getgrgid_r(int gid, Pointer grp, Pointer buf, long buflen, Pointer result);
}
