// Spawner: a child gets exactly fds 0-3, the given environment and argv, and a clean signal state.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.FileInputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

class SpawnerTest {
    private static final int F_GETFD = 1;
    private static final int FD_CLOEXEC = 1;
    private static final int SIGWINCH = 28; // x86_64 and aarch64
    private static final long SIG_IGN = 1;
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    /**
     * Signals 32 and 33, glibc's own (thread cancellation and set*id broadcast): its posix_spawn
     * ignores them in the child whatever the attributes say, and sigfillset cannot name them; a
     * glibc program installs its own handlers for them.
     */
    private static final long GLIBC_RESERVED = 3L << 31;

    /** Public for jnr-ffi; lets the test give its own thread a blocked and an ignored signal. */
    public interface Signals {
        long signal(int signal, long handler);
        int pthread_sigmask(int how, Pointer set, Pointer old);
        int sigemptyset(Pointer set);
        int sigaddset(Pointer set, int signal);
    }

    private static final Signals SIGNALS = LibraryLoader.create(Signals.class).load("c");

    @Test
    @SuppressWarnings("try") // the file and the server socket are held open only to be candidates for leaking
    void childHoldsOnlyFdsZeroToThreeThoughTheJvmHoldsInheritableOnes() throws Exception {
        try (FileInputStream file = new FileInputStream("/etc/passwd"); ServerSocket server = new ServerSocket(0)) {
            assertTrue(OpenFds.list().stream().anyMatch(fd -> fd > 3 && (Libc.C.fcntl(fd, F_GETFD, 0) & FD_CLOEXEC) == 0),
                    "the JVM should hold a descriptor without close-on-exec: " + OpenFds.list());
            // Only builtins and no redirection until the end: dash redirects in the shell itself
            // (saving fd 1 as fd 10), and ls or a glob would count its own directory descriptor.
            String listFds = "n=0; fds=; while [ $n -le $1 ]; do [ -L /proc/$$/fd/$n ] && fds=\"$fds $n\";"
                    + " n=$((n + 1)); done; echo $fds >&3";
            try (ShellChild child = ShellChild.start(listFds, String.valueOf(OpenFds.list().last()))) {
                assertEquals("0 1 2 3\n", child.report());
                assertEquals("exited with status 0", child.exit().describe());
            }
        }
    }

    @Test
    void childsStdoutAndStderrAreOurStderr() throws Exception {
        String ourStderr = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        // readlink runs in the substitution's subshell, so the shell's own fds 1 and 2 are unredirected.
        try (ShellChild child = ShellChild.start("out=$(readlink /proc/$$/fd/1 /proc/$$/fd/2); echo \"$out\" >&3")) {
            assertEquals(ourStderr + "\n" + ourStderr + "\n", child.report());
        }
    }

    @Test
    void childReadsTheGivenStdin() throws Exception {
        try (ShellChild child = ShellChild.start("cat >&3")) {
            child.send("hello, worker\n");
            assertEquals("hello, worker\n", child.report());
        }
    }

    @Test
    void aSourceBelowFdFourSurvivesTheStdioCopies() throws Exception {
        String ourStdout = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
        String ourStderr = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        assumeFalse(ourStdout.equals(ourStderr), "stdout and stderr are the same file here: " + ourStdout);
        // fd 1 is overwritten with fd 2 before stdin is copied to 0, unless Spawner moves it first.
        try (ShellChild child = ShellChild.withStdin(1, "out=$(readlink /proc/$$/fd/0); echo \"$out\" >&3")) {
            assertEquals(ourStdout + "\n", child.report());
        }
    }

    @Test
    void environmentIsExactlyTheGivenMap() throws Exception {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "GREETING", "grüße", "EMPTY", "");
        try (ShellChild child = ShellChild.start(env, "cat /proc/$$/environ >&3")) {
            Set<String> got = Set.of(child.report().split("\0"));
            assertEquals(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.toSet()), got);
        }
    }

    @Test
    void argumentsArePassedVerbatim() throws Exception {
        try (ShellChild child = ShellChild.start("printf '%s\\n' \"$0\" \"$@\" >&3", "two words", "ünï", "")) {
            assertEquals("sh\ntwo words\nünï\n\n", child.report());
        }
    }

    @Test
    void childStartsWithNoBlockedAndNoIgnoredSignalsWhateverTheParentHas() throws Exception {
        Runtime runtime = Runtime.getRuntime(SIGNALS);
        Pointer winch = Memory.allocateDirect(runtime, 128, true);
        Pointer oldMask = Memory.allocateDirect(runtime, 128, true);
        SIGNALS.sigemptyset(winch);
        SIGNALS.sigaddset(winch, SIGWINCH);
        long oldHandler = SIGNALS.signal(SIGWINCH, SIG_IGN);
        SIGNALS.pthread_sigmask(SIG_BLOCK, winch, oldMask);
        try {
            assertTrue(hasWinch(statusLine("thread-self", "SigBlk")), "this thread should block SIGWINCH");
            assertTrue(hasWinch(statusLine("self", "SigIgn")), "this process should ignore SIGWINCH");
            // A builtin reads the status: dash blocks every signal while it vforks a command like grep.
            String sigFields = "while read -r k v; do case $k in SigBlk:|SigIgn:) echo $v >&3;; esac; done < /proc/$$/status";
            try (ShellChild child = ShellChild.start(sigFields)) {
                String[] blockedAndIgnored = child.report().split("\n");
                assertEquals(0, Long.parseUnsignedLong(blockedAndIgnored[0], 16), "SigBlk " + blockedAndIgnored[0]);
                assertEquals(0, Long.parseUnsignedLong(blockedAndIgnored[1], 16) & ~GLIBC_RESERVED,
                        "SigIgn " + blockedAndIgnored[1]);
            }
        } finally {
            SIGNALS.pthread_sigmask(SIG_SETMASK, oldMask, null);
            SIGNALS.signal(SIGWINCH, oldHandler);
        }
    }

    @Test
    void aMissingProgramIsReportedAsEnoent() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd a = pair[0]; Fd b = pair[1]) {
            SysCallException e = assertThrows(SysCallException.class,
                    () -> Spawner.spawn(List.of("/nonexistent/sftpd"), Map.of(), a.fd(), b.fd()));
            assertEquals(2, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("/nonexistent/sftpd"), e.getMessage());
        }
    }

    @Test
    void aRelativeProgramIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Spawner.spawn(List.of("sh"), Map.of(), 0, 0));
    }

    /** The hexadecimal signal set of a /proc status field, such as SigBlk. */
    private static String statusLine(String task, String field) throws Exception {
        return Arrays.stream(Files.readString(Path.of("/proc", task, "status")).split("\n"))
                .filter(line -> line.startsWith(field + ":")).findFirst().orElseThrow()
                .substring(field.length() + 1).strip();
    }

    private static boolean hasWinch(String signalSet) {
        return (Long.parseUnsignedLong(signalSet, 16) & 1L << (SIGWINCH - 1)) != 0;
    }
}
