// Waiting for, signalling and naming processes: the monitor's view of its workers.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.call;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

public final class Processes {
    private static final int WNOHANG = 1;
    private static final long SIG_DFL = 0;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int SCHED_OTHER = 0;
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 02000000;
    /** Passes over a process's threads before giving up on one that keeps starting new ones. */
    private static final int FOREGROUND_PASSES = 10;

    private Processes() {}

    /** How a child ended: exactly one of exitCode and signal is present. */
    public record ExitStatus(int pid, OptionalInt exitCode, OptionalInt signal) {
        public ExitStatus {
            if (exitCode.isPresent() == signal.isPresent()) {
                throw new IllegalArgumentException("exactly one of exit code and signal: " + exitCode + ", " + signal);
            }
        }

        /**
         * Decodes a wait status. Stopped and continued children are never reported because
         * waitpid is not asked for them (no WUNTRACED, no WCONTINUED).
         */
        static ExitStatus decode(int pid, int status) {
            int signal = status & 0x7f;
            return signal == 0
                    ? new ExitStatus(pid, OptionalInt.of(status >> 8 & 0xff), OptionalInt.empty())
                    : new ExitStatus(pid, OptionalInt.empty(), OptionalInt.of(signal));
        }

        /** Worded as OpenSSH logs a session's end: "exited with status 3", "killed by signal 9". */
        public String describe() {
            return exitCode.isPresent()
                    ? "exited with status " + exitCode.getAsInt()
                    : "killed by signal " + signal.getAsInt();
        }
    }

    /** waitpid(pid, &status, block ? 0 : WNOHANG); empty while a child waited for without blocking still runs. */
    public static Optional<ExitStatus> waitpid(int pid, boolean block) throws SysCallException {
        int[] status = new int[1];
        int reaped = (int) call("waitpid " + pid, () -> C.waitpid(pid, status, block ? 0 : WNOHANG));
        return reaped == 0 ? Optional.empty() : Optional.of(ExitStatus.decode(reaped, status[0]));
    }

    public static void kill(int pid, int signal) throws SysCallException {
        call("kill " + pid, () -> C.kill(pid, signal));
    }

    /**
     * The signal's default action, for a signal the process inherited as ignored: the JVM installs
     * no handler for SIGHUP, SIGINT or SIGTERM if it found them ignored when it started.
     */
    public static void unignore(int signal) throws SysCallException {
        call("signal " + signal, () -> C.signal(signal, SIG_DFL));
    }

    /** A process's live children, from /proc (a thread of its own lists them: the main thread's file). */
    public static List<Integer> children(int pid) {
        try {
            String list = Files.readString(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(pid),
                    "children"), StandardCharsets.US_ASCII).strip();
            return list.isEmpty() ? List.of() : Arrays.stream(list.split(" ")).map(Integer::valueOf).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Ends a background start (SCHED_IDLE, its session's autogroup at nice 19) for the process and
     * its descendants: every thread back to SCHED_OTHER (a thread started meanwhile inherits its
     * creator's policy, so the threads are listed again until a pass finds no new one), and the
     * autogroup of a session leader back to nice 0. Root may; anyone else may only if RLIMIT_NICE
     * allows nice 0.
     */
    public static void toForeground(int pid) throws SysCallException {
        for (int child : children(pid)) {
            toForeground(child);
        }
        List<Integer> done = List.of();
        for (int pass = 0; pass < FOREGROUND_PASSES; pass++) {
            List<Integer> threads = threads(pid);
            if (threads.equals(done)) {
                break;
            }
            for (int tid : threads) {
                if (C.sched_setscheduler(tid, SCHED_OTHER, new int[] {0}) != 0 && Libc.errno() != ESRCH) {
                    throw new SysCallException("sched_setscheduler " + tid, Libc.errno());
                }
            }
            done = threads;
        }
        if (C.getsid(pid) == pid) {
            setAutogroupNice(pid, 0);
        }
    }

    /**
     * The nice value of the process's autogroup (sched(7)), which the kernel weighs sessions by
     * when autogroups are on; nothing where the kernel has none (no /proc/PID/autogroup).
     */
    public static void setAutogroupNice(int pid, int nice) throws SysCallException {
        String autogroup = "/proc/" + pid + "/autogroup";
        Fd file;
        try {
            file = new Fd((int) call("open " + autogroup, () -> C.open(Libc.cstring(autogroup), O_WRONLY | O_CLOEXEC, 0)));
        } catch (SysCallException e) {
            if (e.errno() == ENOENT) {
                return; // a kernel built without CONFIG_SCHED_AUTOGROUP, or the process already gone
            }
            throw e;
        }
        try (file) {
            byte[] value = Integer.toString(nice).getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(file.fd(), value, 0, value.length);
        }
    }

    /** The ids of a process's threads, in /proc's order; none once it is gone. */
    private static List<Integer> threads(int pid) {
        try (var tasks = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            return tasks.map(task -> Integer.valueOf(task.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** CLOCK_MONOTONIC in microseconds: the clock systemd's MONOTONIC_USEC= is read against. */
    public static long monotonicMicros() {
        long[] timespec = new long[2];
        C.clock_gettime(CLOCK_MONOTONIC, timespec);
        return timespec[0] * 1_000_000 + timespec[1] / 1_000;
    }

    public static int getpid() {
        return (int) ProcessHandle.current().pid();
    }
}
