// The libc functions privilege separation needs and jnr-posix lacks or gets wrong, bound with jnr-ffi.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.LongSupplier;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

final class Libc {
    /**
     * Public only because jnr-ffi implements it in another class loader; the package-private
     * enclosing class keeps it out of the API. Strings are NUL-terminated byte arrays
     * ({@link #cstring}) so their encoding does not depend on the JVM's default charset.
     */
    @SaveError
    public interface Functions {
        int close(int fd);
        int open(@In byte[] path, int flags, int mode);
        int fcntl(int fd, int cmd, int arg);
        @ssize_t long read(int fd, @Out ByteBuffer buf, @size_t long count);
        @ssize_t long write(int fd, @In ByteBuffer buf, @size_t long count);
        @ssize_t long send(int fd, @In ByteBuffer buf, @size_t long len, int flags);

        int socket(int domain, int type, int protocol);
        int socketpair(int domain, int type, int protocol, @Out int[] sv);
        int setsockopt(int fd, int level, int name, @In int[] value, int len);
        int bind(int fd, @In byte[] addr, int len);
        int listen(int fd, int backlog);
        int accept4(int fd, @Out byte[] addr, @In @Out int[] len, int flags);
        int getsockname(int fd, @Out byte[] addr, @In @Out int[] len);
        int getsockopt(int fd, int level, int name, @Out int[] value, @In @Out int[] len);
        int connect(int fd, @In byte[] addr, int len);
        @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);
        int shutdown(int fd, int how);
        @ssize_t long sendmsg(int fd, Pointer msghdr, int flags);
        @ssize_t long recvmsg(int fd, Pointer msghdr, int flags);
        int dup2(int fd, int newfd);
        int pipe2(@Out int[] fds, int flags);
        int poll(@In @Out byte[] fds, long nfds, int timeout);

        // The posix_spawn family returns an error number instead of setting errno.
        int posix_spawn(@Out int[] pid, @In byte[] path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);
        int posix_spawn_file_actions_init(Pointer actions);
        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);
        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);
        int posix_spawn_file_actions_destroy(Pointer actions);
        int posix_spawnattr_init(Pointer attr);
        int posix_spawnattr_setflags(Pointer attr, short flags);
        int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);
        int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);
        int posix_spawnattr_destroy(Pointer attr);
        /** pid is a thread's id: the policy is per thread; param is struct sched_param, one int. */
        int sched_setscheduler(int pid, int policy, @In int[] param);
        int getsid(int pid);
        int sigemptyset(Pointer sigset);
        int sigfillset(Pointer sigset);
        int waitpid(int pid, @Out int[] status, int options);
        int kill(int pid, int signal);
        /** sighandler_t signal(int, sighandler_t), the handler as its address: 0 SIG_DFL, 1 SIG_IGN, -1 SIG_ERR. */
        long signal(int signal, long handler);
        int clock_gettime(int clock, @Out long[] timespec);

        // glibc's set*id and setgroups apply to every thread of the process (its setxid broadcast).
        int setgroups(@size_t long size, @In int[] list);
        int setresuid(int ruid, int euid, int suid);
        int setresgid(int rgid, int egid, int sgid);
        int getresuid(@Out int[] ruid, @Out int[] euid, @Out int[] suid);
        int getresgid(@Out int[] rgid, @Out int[] egid, @Out int[] sgid);
        int setuid(int uid);
        int setgid(int gid);
        int getgroups(int size, @Out int[] list);
        int getgrouplist(@In byte[] user, int gid, @Out int[] groups, @In @Out int[] ngroups);
        int geteuid();
        int chroot(@In byte[] path);
        int chdir(@In byte[] path);
        int openat(int dirfd, @In byte[] path, int flags, int mode);
        Pointer fdopendir(int fd);
        Pointer readdir(Pointer dir);
        int closedir(Pointer dir);

        // The kernel's own calls, which change the calling thread alone: setfsuid, setfsgid, setgroups.
        @Variadic(fixedCount = 1)
        long syscall(long number, long id);
        @Variadic(fixedCount = 1)
        long syscall(long number, long size, @In int[] list);
    }

    static final Functions C = LibraryLoader.create(Functions.class).load(Posix.LIBC);
    static final Runtime RUNTIME = Runtime.getRuntime(C);
    private static final int EINTR = 4;

    private Libc() {}

    /** Runs a call that returns -1 and sets errno on failure, retrying when a signal interrupted it. */
    static long call(String name, LongSupplier syscall) throws SysCallException {
        while (true) {
            long rc = syscall.getAsLong();
            if (rc != -1) {
                return rc;
            }
            int errno = errno();
            if (errno != EINTR) {
                throw new SysCallException(name, errno);
            }
        }
    }

    static int errno() {
        return LastError.getLastError(RUNTIME);
    }

    /** UTF-8 and NUL-terminated: user names, paths and environment strings as a C function wants them. */
    static byte[] cstring(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }
}
