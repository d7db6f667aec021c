// Attempts at what a confined process must not do, each answered "ALLOWED" or "denied errno=N".
package dev.sftpd.transport;

import java.io.File;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.annotations.Variadic;
import jnr.ffi.types.size_t;

/**
 * Shared by SeccompProbe and ProbingTransport; needs no /proc, so that it works in the jail. Native
 * arguments are kept reachable until the call that reads them returns, so that the collector frees none
 * of them under the kernel's feet.
 */
public final class Probes {
    /** Public only because jnr-ffi implements it in another class loader. */
    @SaveError
    public interface Libc {
        // glibc's set*id calls signal every thread to make the same syscall, as jnr-posix's would.
        int setuid(int uid);
        int setresuid(int ruid, int euid, int suid);
        int setgroups(@size_t long size, @In int[] list);
        int kill(int pid, int signal);
        int tgkill(int tgid, int tid, int signal);
        int gettid();
        int getppid();
        int open(String path, int flags);
        int close(int fd);

        @Variadic(fixedCount = 1)
        int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        @Variadic(fixedCount = 1)
        long syscall(long number, long a1, long a2, long a3, long a4, long a5);
    }

    /** One attempt: "ALLOWED", "denied errno=N", or what went wrong with a call that should have worked. */
    public interface Attempt {
        String run() throws Exception;
    }

    public static final Libc C = LibraryLoader.create(Libc.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(C);
    private static final int O_RDONLY = 0;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final Pattern SPAWN_ERRNO = Pattern.compile("error=(\\d+)");

    private Probes() {}

    /** The attempt's answer; an exception it throws is answered "FAILED" and the exception. */
    public static String outcome(Attempt attempt) {
        try {
            return attempt.run();
        } catch (Exception e) {
            return "FAILED " + e;
        }
    }

    /** The answer for a libc call or syscall that returned {@code rc}. */
    public static String outcome(long rc) {
        return rc == -1 ? "denied errno=" + LastError.getLastError(RUNTIME) : "ALLOWED";
    }

    /** The syscall the filter's table knows by this name, made directly rather than through a libc wrapper. */
    public static String syscall(String name, long... args) {
        return syscall(TransportFilter.X86_64.stream().filter(r -> r.syscall().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule for " + name)).number(), args);
    }

    public static String syscall(long number, long... args) {
        long[] a = Arrays.copyOf(args, 5);
        return outcome(C.syscall(number, a[0], a[1], a[2], a[3], a[4]));
    }

    public static String setuid(int uid) {
        return outcome(C.setuid(uid));
    }

    public static String setresuid(int ruid, int euid, int suid) {
        return outcome(C.setresuid(ruid, euid, suid));
    }

    public static String setgroups(int... groups) {
        return outcome(C.setgroups(groups.length, groups));
    }

    /** capset on this thread: {@code caps} (bit n is capability n) as effective, permitted and inheritable. */
    public static String capset(long caps) {
        Pointer header = Memory.allocateDirect(RUNTIME, 8, true); // pid 0: this thread
        header.putInt(0, LINUX_CAPABILITY_VERSION_3);
        Pointer data = Memory.allocateDirect(RUNTIME, 24, true); // two struct __user_cap_data_struct, low first
        for (int half = 0; half < 2; half++) {
            int word = (int) (caps >>> (32 * half));
            for (int field = 0; field < 3; field++) {
                data.putInt(12L * half + 4L * field, word);
            }
        }
        try {
            return syscall("capset", header.address(), data.address());
        } finally {
            Reference.reachabilityFence(header);
            Reference.reachabilityFence(data);
        }
    }

    public static String prctl(int option, long arg2, long arg3) {
        return outcome(C.prctl(option, arg2, arg3, 0, 0));
    }

    /** execve with an empty environment: were it let through, this process would be that program. */
    public static String execve(String... argv) {
        Pointer[] strings = Arrays.stream(argv).map(Probes::cstring).toArray(Pointer[]::new);
        Pointer args = pointers(strings);
        Pointer env = pointers();
        try {
            return syscall("execve", strings[0].address(), args.address(), env.address());
        } finally {
            Reference.reachabilityFence(strings);
            Reference.reachabilityFence(args);
            Reference.reachabilityFence(env);
        }
    }

    /** The command started the JDK's way, and waited for; its stdin is /dev/null, so a password prompt ends. */
    public static String processBuilder(String... command) throws InterruptedException {
        try {
            new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start().waitFor();
            return "ALLOWED";
        } catch (IOException e) {
            Matcher m = SPAWN_ERRNO.matcher(String.valueOf(e.getMessage()));
            return m.find() ? "denied errno=" + m.group(1) : "denied " + e;
        }
    }

    public static String kill(int pid, int signal) {
        return outcome(C.kill(pid, signal));
    }

    /** open(O_RDONLY), closed again at once when it succeeds. */
    public static String open(String path) {
        int fd = C.open(path, O_RDONLY);
        String outcome = outcome(fd);
        if (fd >= 0) {
            C.close(fd);
        }
        return outcome;
    }

    /** A NUL-terminated copy of {@code s}, freed once unreachable. */
    public static Pointer cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(RUNTIME, bytes.length + 1, true);
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    /** A NULL-terminated array of these strings' addresses. */
    private static Pointer pointers(Pointer... strings) {
        Pointer p = Memory.allocateDirect(RUNTIME, 8L * (strings.length + 1), true);
        for (int i = 0; i < strings.length; i++) {
            p.putAddress(8L * i, strings[i].address());
        }
        return p;
    }
}
