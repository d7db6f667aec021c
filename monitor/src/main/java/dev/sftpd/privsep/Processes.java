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
