// The libc functions privilege separation needs, called through jffi (CFunction) by the monitor, transports and engines.
package dev.sftpd.privsep;

import static dev.sftpd.sftp.posix.CFunction.Array.in;
import static dev.sftpd.sftp.posix.CFunction.Array.inOut;
import static dev.sftpd.sftp.posix.CFunction.Array.out;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import dev.sftpd.sftp.posix.CFunction;
import dev.sftpd.sftp.posix.CLibrary;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.LongSupplier;

final class Libc {
    /**
     * Each function as C declares it, pointers as addresses and Java arrays copied in or out as
     * the parameter's direction says (never pinned: several of these block). Strings are
     * NUL-terminated byte arrays ({@link #cstring}) so their encoding does not depend on the
     * JVM's default charset.
     */
    static final class Functions extends CLibrary {
        private final CFunction close = function("close", Type.SINT, Type.SINT);
        private final CFunction open = function("open", Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
        private final CFunction fcntl = function("fcntl", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        private final CFunction read = function("read", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
        private final CFunction write = function("write", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG);
        private final CFunction send = function("send", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SINT);
        private final CFunction socket = function("socket", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        private final CFunction socketpair = function("socketpair", Type.SINT, Type.SINT, Type.SINT, Type.SINT,
                Type.POINTER);
        private final CFunction setsockopt = function("setsockopt", Type.SINT, Type.SINT, Type.SINT, Type.SINT,
                Type.POINTER, Type.SINT);
        private final CFunction bind = function("bind", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction listen = function("listen", Type.SINT, Type.SINT, Type.SINT);
        private final CFunction accept4 = function("accept4", Type.SINT, Type.SINT, Type.POINTER, Type.POINTER,
                Type.SINT);
        private final CFunction getsockname = function("getsockname", Type.SINT, Type.SINT, Type.POINTER,
                Type.POINTER);
        private final CFunction getsockopt = function("getsockopt", Type.SINT, Type.SINT, Type.SINT, Type.SINT,
                Type.POINTER, Type.POINTER);
        private final CFunction connect = function("connect", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction sendto = function("sendto", Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG,
                Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction shutdown = function("shutdown", Type.SINT, Type.SINT, Type.SINT);
        private final CFunction sendmsg = function("sendmsg", Type.SLONG, Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction recvmsg = function("recvmsg", Type.SLONG, Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction dup2 = function("dup2", Type.SINT, Type.SINT, Type.SINT);
        private final CFunction pipe2 = function("pipe2", Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction poll = function("poll", Type.SINT, Type.POINTER, Type.SLONG, Type.SINT);
        private final CFunction posix_spawn = function("posix_spawn", Type.SINT, Type.POINTER, Type.POINTER,
                Type.POINTER, Type.POINTER, Type.POINTER, Type.POINTER);
        private final CFunction posix_spawn_file_actions_init = function("posix_spawn_file_actions_init", Type.SINT,
                Type.POINTER);
        private final CFunction posix_spawn_file_actions_adddup2 = function("posix_spawn_file_actions_adddup2",
                Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
        private final CFunction posix_spawn_file_actions_addclosefrom_np =
                function("posix_spawn_file_actions_addclosefrom_np", Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction posix_spawn_file_actions_destroy = function("posix_spawn_file_actions_destroy",
                Type.SINT, Type.POINTER);
        private final CFunction posix_spawnattr_init = function("posix_spawnattr_init", Type.SINT, Type.POINTER);
        private final CFunction posix_spawnattr_setflags = function("posix_spawnattr_setflags", Type.SINT,
                Type.POINTER, Type.SSHORT);
        private final CFunction posix_spawnattr_setsigmask = function("posix_spawnattr_setsigmask", Type.SINT,
                Type.POINTER, Type.POINTER);
        private final CFunction posix_spawnattr_setsigdefault = function("posix_spawnattr_setsigdefault", Type.SINT,
                Type.POINTER, Type.POINTER);
        private final CFunction posix_spawnattr_destroy = function("posix_spawnattr_destroy", Type.SINT, Type.POINTER);
        private final CFunction sched_setscheduler = function("sched_setscheduler", Type.SINT, Type.SINT, Type.SINT,
                Type.POINTER);
        private final CFunction getsid = function("getsid", Type.SINT, Type.SINT);
        private final CFunction sigemptyset = function("sigemptyset", Type.SINT, Type.POINTER);
        private final CFunction sigfillset = function("sigfillset", Type.SINT, Type.POINTER);
        private final CFunction waitpid = function("waitpid", Type.SINT, Type.SINT, Type.POINTER, Type.SINT);
        private final CFunction kill = function("kill", Type.SINT, Type.SINT, Type.SINT);
        private final CFunction signal = function("signal", Type.SLONG, Type.SINT, Type.SLONG);
        private final CFunction clock_gettime = function("clock_gettime", Type.SINT, Type.SINT, Type.POINTER);
        private final CFunction setgroups = function("setgroups", Type.SINT, Type.ULONG, Type.POINTER);
        private final CFunction setresuid = function("setresuid", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        private final CFunction setresgid = function("setresgid", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        private final CFunction getresuid = function("getresuid", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER);
        private final CFunction getresgid = function("getresgid", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER);
        private final CFunction setuid = function("setuid", Type.SINT, Type.SINT);
        private final CFunction setgid = function("setgid", Type.SINT, Type.SINT);
        private final CFunction getgroups = function("getgroups", Type.SINT, Type.SINT, Type.POINTER);
        private final CFunction getgrouplist = function("getgrouplist", Type.SINT, Type.POINTER, Type.SINT,
                Type.POINTER, Type.POINTER);
        private final CFunction geteuid = function("geteuid", Type.SINT);
        private final CFunction chroot = function("chroot", Type.SINT, Type.POINTER);
        private final CFunction chdir = function("chdir", Type.SINT, Type.POINTER);
        private final CFunction openat = function("openat", Type.SINT, Type.SINT, Type.POINTER, Type.SINT, Type.SINT);
        private final CFunction fdopendir = function("fdopendir", Type.POINTER, Type.SINT);
        private final CFunction readdir = function("readdir", Type.POINTER, Type.POINTER);
        private final CFunction closedir = function("closedir", Type.SINT, Type.POINTER);
        private final CFunction syscall = variadic("syscall", 1, Type.SLONG, Type.SLONG, Type.SLONG);
        private final CFunction syscallWithList = variadic("syscall", 1, Type.SLONG, Type.SLONG, Type.SLONG,
                Type.POINTER);

        private Functions() {
            super(Posix.LIBC);
        }

        int close(int fd) {
            return (int) close.call(fd);
        }

        int open(byte[] path, int flags, int mode) {
            return (int) open.call(in(0, path), 0, flags, mode);
        }

        int fcntl(int fd, int cmd, int arg) {
            return (int) fcntl.call(fd, cmd, arg);
        }

        /** Into a direct buffer, from its position. */
        long read(int fd, ByteBuffer buf, long count) {
            if (!buf.isDirect()) {
                throw new IllegalArgumentException("read into a heap buffer");
            }
            return read.call(fd, MEMORY.getDirectBufferAddress(buf) + buf.position(), count);
        }

        /** From a heap buffer's position. */
        long write(int fd, ByteBuffer buf, long count) {
            return write.call(in(1, buf), fd, 0, count);
        }

        /** From a heap buffer's position. */
        long send(int fd, ByteBuffer buf, long len, int flags) {
            return send.call(in(1, buf), fd, 0, len, flags);
        }

        int socket(int domain, int type, int protocol) {
            return (int) socket.call(domain, type, protocol);
        }

        int socketpair(int domain, int type, int protocol, int[] sv) {
            return (int) socketpair.call(out(3, sv), domain, type, protocol, 0);
        }

        int setsockopt(int fd, int level, int name, int[] value, int len) {
            return (int) setsockopt.call(in(3, value), fd, level, name, 0, len);
        }

        int bind(int fd, byte[] addr, int len) {
            return (int) bind.call(in(1, addr), fd, 0, len);
        }

        int listen(int fd, int backlog) {
            return (int) listen.call(fd, backlog);
        }

        int accept4(int fd, byte[] addr, int[] len, int flags) {
            return (int) accept4.call(out(1, addr), inOut(2, len), fd, 0, 0, flags);
        }

        int getsockname(int fd, byte[] addr, int[] len) {
            return (int) getsockname.call(out(1, addr), inOut(2, len), fd, 0, 0);
        }

        int getsockopt(int fd, int level, int name, int[] value, int[] len) {
            return (int) getsockopt.call(out(3, value), inOut(4, len), fd, level, name, 0, 0);
        }

        int connect(int fd, byte[] addr, int len) {
            return (int) connect.call(in(1, addr), fd, 0, len);
        }

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) {
            return sendto.call(in(1, buf), in(4, addr), fd, 0, len, flags, 0, addrlen);
        }

        int shutdown(int fd, int how) {
            return (int) shutdown.call(fd, how);
        }

        long sendmsg(int fd, long msghdr, int flags) {
            return sendmsg.call(fd, msghdr, flags);
        }

        long recvmsg(int fd, long msghdr, int flags) {
            return recvmsg.call(fd, msghdr, flags);
        }

        int dup2(int fd, int newfd) {
            return (int) dup2.call(fd, newfd);
        }

        int pipe2(int[] fds, int flags) {
            return (int) pipe2.call(out(0, fds), 0, flags);
        }

        int poll(byte[] fds, long nfds, int timeout) {
            return (int) poll.call(inOut(0, fds), 0, nfds, timeout);
        }

        // The posix_spawn family returns an error number instead of setting errno.
        int posix_spawn(int[] pid, byte[] path, long fileActions, long attr, long argv, long envp) {
            return (int) posix_spawn.call(out(0, pid), in(1, path), 0, 0, fileActions, attr, argv, envp);
        }

        int posix_spawn_file_actions_init(long actions) {
            return (int) posix_spawn_file_actions_init.call(actions);
        }

        int posix_spawn_file_actions_adddup2(long actions, int fd, int newfd) {
            return (int) posix_spawn_file_actions_adddup2.call(actions, fd, newfd);
        }

        int posix_spawn_file_actions_addclosefrom_np(long actions, int from) {
            return (int) posix_spawn_file_actions_addclosefrom_np.call(actions, from);
        }

        int posix_spawn_file_actions_destroy(long actions) {
            return (int) posix_spawn_file_actions_destroy.call(actions);
        }

        int posix_spawnattr_init(long attr) {
            return (int) posix_spawnattr_init.call(attr);
        }

        int posix_spawnattr_setflags(long attr, short flags) {
            return (int) posix_spawnattr_setflags.call(attr, flags);
        }

        int posix_spawnattr_setsigmask(long attr, long sigset) {
            return (int) posix_spawnattr_setsigmask.call(attr, sigset);
        }

        int posix_spawnattr_setsigdefault(long attr, long sigset) {
            return (int) posix_spawnattr_setsigdefault.call(attr, sigset);
        }

        int posix_spawnattr_destroy(long attr) {
            return (int) posix_spawnattr_destroy.call(attr);
        }

        /** pid is a thread's id: the policy is per thread; param is struct sched_param, one int. */
        int sched_setscheduler(int pid, int policy, int[] param) {
            return (int) sched_setscheduler.call(in(2, param), pid, policy, 0);
        }

        int getsid(int pid) {
            return (int) getsid.call(pid);
        }

        int sigemptyset(long sigset) {
            return (int) sigemptyset.call(sigset);
        }

        int sigfillset(long sigset) {
            return (int) sigfillset.call(sigset);
        }

        int waitpid(int pid, int[] status, int options) {
            return (int) waitpid.call(out(1, status), pid, 0, options);
        }

        int kill(int pid, int signal) {
            return (int) kill.call(pid, signal);
        }

        /** sighandler_t signal(int, sighandler_t), the handler as its address: 0 SIG_DFL, 1 SIG_IGN, -1 SIG_ERR. */
        long signal(int number, long handler) {
            return signal.call(number, handler);
        }

        int clock_gettime(int clock, long[] timespec) {
            return (int) clock_gettime.call(out(1, timespec), clock, 0);
        }

        // glibc's set*id and setgroups apply to every thread of the process (its setxid broadcast).
        int setgroups(long size, int[] list) {
            return (int) setgroups.call(in(1, list), size, 0);
        }

        int setresuid(int ruid, int euid, int suid) {
            return (int) setresuid.call(ruid, euid, suid);
        }

        int setresgid(int rgid, int egid, int sgid) {
            return (int) setresgid.call(rgid, egid, sgid);
        }

        int getresuid(int[] ruid, int[] euid, int[] suid) {
            return (int) getresuid.call(out(0, ruid), out(1, euid), out(2, suid), 0, 0, 0);
        }

        int getresgid(int[] rgid, int[] egid, int[] sgid) {
            return (int) getresgid.call(out(0, rgid), out(1, egid), out(2, sgid), 0, 0, 0);
        }

        int setuid(int uid) {
            return (int) setuid.call(uid);
        }

        int setgid(int gid) {
            return (int) setgid.call(gid);
        }

        int getgroups(int size, int[] list) {
            return (int) getgroups.call(out(1, list), size, 0);
        }

        int getgrouplist(byte[] user, int gid, int[] groups, int[] ngroups) {
            return (int) getgrouplist.call(in(0, user), out(2, groups), inOut(3, ngroups), 0, gid, 0, 0);
        }

        int geteuid() {
            return (int) geteuid.call();
        }

        int chroot(byte[] path) {
            return (int) chroot.call(in(0, path), 0);
        }

        int chdir(byte[] path) {
            return (int) chdir.call(in(0, path), 0);
        }

        int openat(int dirfd, byte[] path, int flags, int mode) {
            return (int) openat.call(in(1, path), dirfd, 0, flags, mode);
        }

        long fdopendir(int fd) {
            return fdopendir.call(fd);
        }

        long readdir(long dir) {
            return readdir.call(dir);
        }

        int closedir(long dir) {
            return (int) closedir.call(dir);
        }

        // The kernel's own calls, which change the calling thread alone: setfsuid, setfsgid, setgroups.
        long syscall(long number, long id) {
            return syscall.call(number, id);
        }

        long syscall(long number, long size, int[] list) {
            return syscallWithList.call(in(2, list), number, size, 0);
        }
    }

    static final Functions C = new Functions();
    /** Native memory outside the Java heap: the structs these calls take (msghdr, posix_spawn's). */
    static final MemoryIO MEMORY = MemoryIO.getInstance();
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
        return CFunction.errno();
    }

    /** UTF-8 and NUL-terminated: user names, paths and environment strings as a C function wants them. */
    static byte[] cstring(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }
}
