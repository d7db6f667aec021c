// Attempts at what a confined process must not do, each answered "ALLOWED" or "denied errno=N".
package dev.sftpd.transport;

import java.io.File;
import java.io.IOException;
import static dev.sftpd.sftp.posix.CFunction.Array.in;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import dev.sftpd.sftp.posix.CFunction;
import dev.sftpd.sftp.posix.CLibrary;
import dev.sftpd.sftp.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shared by SeccompProbe and ProbingTransport; needs no /proc, so that it works in the jail. Native
 * arguments are kept reachable until the call that reads them returns, so that the collector frees none
 * of them under the kernel's feet.
 */
public final class Probes {
    /** Called through jffi, as the transport's own code calls C: a transport has no jnr-ffi. */
    private static final class Libc extends CLibrary {
        // glibc's set*id calls signal every thread to make the same syscall.
        final CFunction setuid = function("setuid", Type.SINT, Type.SINT);
        final CFunction setresuid = function("setresuid", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        final CFunction setgroups = function("setgroups", Type.SINT, Type.ULONG, Type.POINTER);
        final CFunction kill = function("kill", Type.SINT, Type.SINT, Type.SINT);
        final CFunction tgkill = function("tgkill", Type.SINT, Type.SINT, Type.SINT, Type.SINT);
        final CFunction gettid = function("gettid", Type.SINT);
        final CFunction getppid = function("getppid", Type.SINT);
        final CFunction open = function("open", Type.SINT, Type.POINTER, Type.SINT);
        final CFunction close = function("close", Type.SINT, Type.SINT);
        final CFunction prctl = variadic("prctl", 1, Type.SINT, Type.SINT, Type.ULONG, Type.ULONG, Type.ULONG,
                Type.ULONG);
        final CFunction syscall = variadic("syscall", 1, Type.SLONG, Type.SLONG, Type.SLONG, Type.SLONG,
                Type.SLONG, Type.SLONG, Type.SLONG);

        Libc() {
            super(Posix.LIBC);
        }
    }

    /** One attempt: "ALLOWED", "denied errno=N", or what went wrong with a call that should have worked. */
    public interface Attempt {
        String run() throws Exception;
    }

    private static final Libc C = new Libc();
    private static final MemoryIO MEMORY = MemoryIO.getInstance();
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
        return rc == -1 ? "denied errno=" + CFunction.errno() : "ALLOWED";
    }

    /** The syscall the filter's table knows by this name, made directly rather than through a libc wrapper. */
    public static String syscall(String name, long... args) {
        return syscall(TransportFilter.X86_64.stream().filter(r -> r.syscall().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule for " + name)).number(), args);
    }

    public static String syscall(long number, long... args) {
        long[] a = Arrays.copyOf(args, 5);
        return outcome(C.syscall.call(number, a[0], a[1], a[2], a[3], a[4]));
    }

    public static String setuid(int uid) {
        return outcome((int) C.setuid.call(uid));
    }

    public static String setresuid(int ruid, int euid, int suid) {
        return outcome((int) C.setresuid.call(ruid, euid, suid));
    }

    public static String setgroups(int... groups) {
        return outcome((int) C.setgroups.call(in(1, groups), groups.length, 0));
    }

    /** capset on this thread: {@code caps} (bit n is capability n) as effective, permitted and inheritable. */
    public static String capset(long caps) {
        long header = MEMORY.allocateMemory(8, true); // pid 0: this thread
        MEMORY.putInt(header, LINUX_CAPABILITY_VERSION_3);
        long data = MEMORY.allocateMemory(24, true); // two struct __user_cap_data_struct, low first
        for (int half = 0; half < 2; half++) {
            int word = (int) (caps >>> (32 * half));
            for (int field = 0; field < 3; field++) {
                MEMORY.putInt(data + 12L * half + 4L * field, word);
            }
        }
        try {
            return syscall("capset", header, data);
        } finally {
            MEMORY.freeMemory(header);
            MEMORY.freeMemory(data);
        }
    }

    public static String prctl(int option, long arg2, long arg3) {
        return outcome(prctlResult(option, arg2, arg3));
    }

    /** prctl's own result, for the options that answer with it (PR_GET_*). */
    public static int prctlResult(int option, long arg2, long arg3) {
        return (int) C.prctl.call(option, arg2, arg3, 0, 0);
    }

    public static int gettid() {
        return (int) C.gettid.call();
    }

    public static int getppid() {
        return (int) C.getppid.call();
    }

    public static String tgkill(int tgid, int tid, int signal) {
        return outcome((int) C.tgkill.call(tgid, tid, signal));
    }

    /** execve with an empty environment: were it let through, this process would be that program. */
    public static String execve(String... argv) {
        long[] strings = Arrays.stream(argv).mapToLong(Probes::cstring).toArray();
        return syscall("execve", strings[0], pointers(strings), pointers());
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
        return outcome((int) C.kill.call(pid, signal));
    }

    /** open(O_RDONLY), closed again at once when it succeeds. */
    public static String open(String path) {
        int fd = (int) C.open.call(cstring(path), O_RDONLY);
        String outcome = outcome(fd);
        if (fd >= 0) {
            C.close.call(fd);
        }
        return outcome;
    }

    /** The address of a NUL-terminated copy of {@code s}, never freed: a probe runs once and exits. */
    public static long cstring(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        long p = MEMORY.allocateMemory(bytes.length + 1, true);
        MEMORY.putByteArray(p, bytes, 0, bytes.length);
        return p;
    }

    /** The address of a NULL-terminated array of these addresses, never freed either. */
    private static long pointers(long... strings) {
        long p = MEMORY.allocateMemory(8L * (strings.length + 1), true);
        for (int i = 0; i < strings.length; i++) {
            MEMORY.putAddress(p + 8L * i, strings[i]);
        }
        return p;
    }
}
