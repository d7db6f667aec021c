// Starts a worker program with exactly the descriptors, signal state and environment it is given.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.MEMORY;
import static dev.sftpd.privsep.Libc.call;
import static dev.sftpd.privsep.Libc.cstring;

import dev.sftpd.sftp.posix.SysCallException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JVM cannot fork, so a worker is a new program started with glibc's posix_spawn. The JDK's
 * own descriptors are not close-on-exec and jnr-posix's posix_spawnp passes them all on, so the
 * child's descriptor table is built here explicitly and everything above fd 3 is closed.
 */
public final class Spawner {
    /** The child's fds: 0 stdin, 1 and 2 the log, 3 the channel. */
    private static final int CHILD_FDS = 4;
    private static final int CHANNEL = 3;
    private static final int STDERR = 2;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 02000000;
    // <spawn.h>, the same on every glibc architecture.
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    // sizeof(posix_spawn_file_actions_t), sizeof(posix_spawnattr_t), sizeof(sigset_t) in 64-bit
    // glibc (x86_64 and aarch64 alike).
    private static final int FILE_ACTIONS_SIZE = 80;
    private static final int SPAWNATTR_SIZE = 336;
    private static final int SIGSET_SIZE = 128;

    private Spawner() {}

    /**
     * posix_spawn of argv.get(0), an absolute path (no PATH search), with exactly env. The child
     * gets fd 0 = stdinFd, fd 1 and 2 = this process's fd 2, fd 3 = channelFd and no other
     * descriptor; its signal mask is empty and every signal has its default disposition. It
     * stays in this process's session, so the monitor's terminal signals still reach it.
     */
    public static int spawn(List<String> argv, Map<String, String> env, int stdinFd, int channelFd)
            throws SysCallException {
        return spawn(argv, env, stdinFd, STDERR, channelFd, false);
    }

    /**
     * As {@link #spawn(List, Map, int, int)}, but fds 1 and 2 are logFd, and with newSession the
     * child leads a session of its own (setsid), detached from this process's terminal: how a
     * daemon that cannot fork puts itself in the background.
     */
    public static int spawn(List<String> argv, Map<String, String> env, int stdinFd, int logFd, int channelFd,
                            boolean newSession) throws SysCallException {
        String path = argv.get(0);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        // Zeroed blocks are safe to destroy even before init.
        List<Fd> lifted = new ArrayList<>();
        try (NativeBlock actions = new NativeBlock(FILE_ACTIONS_SIZE);
             NativeBlock attr = new NativeBlock(SPAWNATTR_SIZE);
             NativeBlock signalSets = new NativeBlock(2 * SIGSET_SIZE);
             NativeBlock args = stringArray(argv);
             NativeBlock envp = stringArray(
                     env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())) {
            try {
                int in = liftAbove(stdinFd, lifted);
                int channel = liftAbove(channelFd, lifted);
                int log = logFd == STDERR ? STDERR : liftAbove(logFd, lifted);
                long fa = actions.address;
                check("posix_spawn_file_actions_init", C.posix_spawn_file_actions_init(fa));
                check("adddup2 stdout", C.posix_spawn_file_actions_adddup2(fa, log, 1));
                // dup2 of a descriptor onto itself clears its close-on-exec flag, as POSIX asks.
                check("adddup2 stderr", C.posix_spawn_file_actions_adddup2(fa, log, STDERR));
                check("adddup2 stdin", C.posix_spawn_file_actions_adddup2(fa, in, 0));
                check("adddup2 channel", C.posix_spawn_file_actions_adddup2(fa, channel, CHANNEL));
                check("addclosefrom_np", C.posix_spawn_file_actions_addclosefrom_np(fa, CHILD_FDS));

                long noSignals = signalSets.address;
                long allSignals = signalSets.address + SIGSET_SIZE;
                check("posix_spawnattr_init", C.posix_spawnattr_init(attr.address));
                C.sigemptyset(noSignals);
                C.sigfillset(allSignals);
                check("setsigmask", C.posix_spawnattr_setsigmask(attr.address, noSignals));
                check("setsigdefault", C.posix_spawnattr_setsigdefault(attr.address, allSignals));
                short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
                        | (newSession ? POSIX_SPAWN_SETSID : 0));
                check("setflags", C.posix_spawnattr_setflags(attr.address, flags));

                int[] pid = new int[1];
                check("posix_spawn " + path,
                        C.posix_spawn(pid, cstring(path), fa, attr.address, args.address, envp.address));
                return pid[0];
            } finally {
                C.posix_spawn_file_actions_destroy(actions.address);
                C.posix_spawnattr_destroy(attr.address);
            }
        } finally {
            lifted.forEach(Fd::close);
        }
    }

    /** /dev/null, read-write and close-on-exec: what a child gets where it should have nothing. */
    public static Fd openDevNull() throws SysCallException {
        return new Fd((int) call("open /dev/null", () -> C.open(cstring("/dev/null"), O_RDWR | O_CLOEXEC, 0)));
    }

    /**
     * A source below fd 4 may be overwritten by an earlier dup2 action (a daemon that closed
     * its stdin gets socketpairs at fd 0), so it is first copied above 3, where no action writes.
     */
    private static int liftAbove(int fd, List<Fd> lifted) throws SysCallException {
        if (fd >= CHILD_FDS) {
            return fd;
        }
        Fd copy = new Fd((int) call("fcntl F_DUPFD_CLOEXEC", () -> C.fcntl(fd, F_DUPFD_CLOEXEC, CHILD_FDS)));
        lifted.add(copy);
        return copy.fd();
    }

    /** A NULL-terminated char*[] whose strings live in the same block. */
    private static NativeBlock stringArray(List<String> strings) {
        List<byte[]> bytes = strings.stream().map(Libc::cstring).toList();
        int pointers = (bytes.size() + 1) * Long.BYTES;
        NativeBlock block = new NativeBlock(pointers + bytes.stream().mapToInt(b -> b.length).sum());
        long at = pointers;
        for (int i = 0; i < bytes.size(); i++) {
            MEMORY.putByteArray(block.address + at, bytes.get(i), 0, bytes.get(i).length);
            MEMORY.putAddress(block.address + (long) i * Long.BYTES, block.address + at);
            at += bytes.get(i).length;
        }
        return block;
    }

    /** The posix_spawn family reports failure as its return value, not through errno. */
    private static void check(String call, int error) throws SysCallException {
        if (error != 0) {
            throw new SysCallException(call, error);
        }
    }
}
