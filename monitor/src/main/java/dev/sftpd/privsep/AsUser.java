// Opens a file with a user's file-system ids, as sshd's temporarily_use_uid() around auth_openfile(), while the monitor stays root.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.call;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The monitor is one process with many threads, and glibc's setgroups (like its set*id) changes
 * them all, so the kernel's per-thread calls are made through syscall(2). File-system ids rather
 * than effective ids, because they change what file access is checked against and nothing else:
 * with the user's euid, even briefly, the user could signal the monitor. Each open runs on a thread
 * of its own that ends with it: should putting root's ids back fail, nothing else ever runs on
 * that thread, whereas a pooled thread would go on serving other connections with the user's
 * access (or a mix) to files.
 */
public final class AsUser {
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    /**
     * O_NOCTTY: the monitor may be a session leader without a terminal (as under systemd), and a
     * tty the user put at the path would become its controlling terminal, letting the user stop
     * it with ^C. O_NONBLOCK: a FIFO with no writer opens at once instead of hanging the monitor.
     */
    private static final int FLAGS = Posix.O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
    private static final long UNCHANGED = 0xFFFFFFFFL;

    /** Numbers from the kernel's tables for this architecture: syscall(2) takes no names. */
    private record SysCalls(long setgroups, long setfsuid, long setfsgid) {
        static Optional<SysCalls> of(String osArch) {
            return switch (osArch) {
                case "amd64", "x86_64" -> Optional.of(new SysCalls(116, 122, 123));
                case "aarch64" -> Optional.of(new SysCalls(159, 151, 152));
                default -> Optional.empty();
            };
        }
    }

    private static final Optional<SysCalls> NR = SysCalls.of(System.getProperty("os.arch"));

    /** The ids a thread checks file access against. */
    private record Ids(int uid, int gid, int[] groups) {}

    /** What the opening thread hands back: a descriptor or why there is none. */
    private record Outcome(Fd fd, Exception failure) {}

    private AsUser() {}

    /**
     * open(path, O_RDONLY|O_NOCTTY|O_NONBLOCK|O_CLOEXEC) with fsuid {@code uid}, fsgid {@code gid}
     * and supplementary {@code groups}; the calling thread's ids never change.
     *
     * @throws SysCallException when open(2) itself fails, as it would for the user
     * @throws PrivilegeDropException when the ids could not be taken, proven or given back, or
     *     this architecture has no table: nothing was opened
     */
    public static Fd open(byte[] path, int uid, int gid, int[] groups) throws SysCallException, PrivilegeDropException {
        if (C.geteuid() != 0) {
            // As sshd's temporarily_use_uid(): a daemon that is not root has no one else's access to shed.
            return new Fd((int) call("open", () -> C.open(path, FLAGS, 0)));
        }
        SysCalls nr = NR.orElseThrow(() -> new PrivilegeDropException("no system call numbers for "
                + System.getProperty("os.arch") + ": user files cannot be opened with the user's ids"));
        Outcome[] outcome = new Outcome[1];
        Thread opener = new Thread(() -> outcome[0] = openHere(nr, path, new Ids(uid, gid, groups.clone())),
                "open as uid " + uid);
        // A file system that never answers must not keep the JVM from exiting.
        opener.setDaemon(true);
        opener.start();
        joinUninterruptibly(opener);
        if (outcome[0] == null) {
            throw new PrivilegeDropException("the thread opening a file as uid " + uid + " died");
        }
        if (outcome[0].failure() instanceof SysCallException e) {
            throw e;
        }
        if (outcome[0].failure() instanceof PrivilegeDropException e) {
            throw e;
        }
        return outcome[0].fd();
    }

    private static Outcome openHere(SysCalls nr, byte[] path, Ids user) {
        Fd fd = null;
        try {
            Ids root = new Ids(id(nr.setfsuid()), id(nr.setfsgid()), PrivilegeDrop.getgroups());
            try {
                hold(nr, user);
                fd = new Fd((int) call("open", () -> C.open(path, FLAGS, 0)));
            } finally {
                hold(nr, root);
            }
            return new Outcome(fd, null);
        } catch (SysCallException | PrivilegeDropException e) {
            if (fd != null) {
                fd.close();
            }
            return new Outcome(null, e);
        }
    }

    /** Takes {@code ids} on this thread and reads each back: setfsuid and setfsgid report no failure. */
    private static void hold(SysCalls nr, Ids ids) throws PrivilegeDropException {
        int[] groups = ids.groups();
        try {
            call("setgroups", () -> C.syscall(nr.setgroups(), groups.length, groups));
        } catch (SysCallException e) {
            throw new PrivilegeDropException("setgroups " + Arrays.toString(groups) + ": " + e.reason(), e);
        }
        C.syscall(nr.setfsgid(), Integer.toUnsignedLong(ids.gid()));
        C.syscall(nr.setfsuid(), Integer.toUnsignedLong(ids.uid()));
        int[] wanted = sorted(groups);
        int[] held = sorted(PrivilegeDrop.getgroups());
        int fsuid = id(nr.setfsuid());
        int fsgid = id(nr.setfsgid());
        if (fsuid != ids.uid() || fsgid != ids.gid() || !Arrays.equals(held, wanted)) {
            throw new PrivilegeDropException("thread holds fsuid " + fsuid + ", fsgid " + fsgid + ", groups "
                    + Arrays.toString(held) + "; wanted " + ids.uid() + ", " + ids.gid() + ", " + Arrays.toString(wanted));
        }
    }

    /** setfsuid/setfsgid with an invalid id change nothing and return the id held. */
    private static int id(long setfsid) {
        return (int) C.syscall(setfsid, UNCHANGED);
    }

    private static int[] sorted(int[] ids) {
        int[] copy = ids.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                // Leaving early would lose the descriptor the thread is about to hand over.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
