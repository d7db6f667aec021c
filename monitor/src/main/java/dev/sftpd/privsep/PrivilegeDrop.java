// Becomes the authenticated user for good, in every thread, and proves it.
package dev.sftpd.privsep;

import static dev.sftpd.privsep.Libc.C;
import static dev.sftpd.privsep.Libc.call;
import static dev.sftpd.privsep.Libc.cstring;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * OpenSSH's do_setusercontext + permanently_set_uid for a JVM. The calls go through glibc,
 * whose set*id and setgroups run the system call in every thread (the kernel changes only
 * the calling thread's credentials); {@link #verify} then checks each thread separately,
 * since a thread the broadcast missed would still be root.
 */
public final class PrivilegeDrop {

    private PrivilegeDrop() {}

    @FunctionalInterface
    private interface ResIds {
        int get(int[] real, int[] effective, int[] saved);
    }

    /**
     * Before authentication: takes the effective ids of an unprivileged account, with no
     * supplementary groups, so that files only root may read (the host keys) are closed to
     * the worker while it parses traffic from an unauthenticated client. The saved uid stays
     * 0 so that {@link #resume} and then {@link #drop} can still become the user.
     */
    public static void suspend(int uid, int gid) throws PrivilegeDropException {
        step("setgroups []", () -> C.setgroups(0, new int[0]));
        step("setresgid -1 " + gid + " 0", () -> C.setresgid(-1, gid, 0));
        step("setresuid -1 " + uid + " 0", () -> C.setresuid(-1, uid, 0));
    }

    /** Takes back effective uid and gid 0 after {@link #suspend}, for {@link #drop}. */
    public static void resume() throws PrivilegeDropException {
        step("setresuid -1 0 -1", () -> C.setresuid(-1, 0, -1));
        step("setresgid -1 0 -1", () -> C.setresgid(-1, 0, -1));
    }

    /** Permanently becomes uid/gid with userName's supplementary groups; must run as root. */
    public static void drop(int uid, int gid, String userName) throws PrivilegeDropException {
        drop(uid, gid, groupsOf(userName, gid));
    }

    /**
     * Permanently becomes uid/gid with exactly these supplementary groups (as the monitor
     * computed them, so the worker needs no NSS lookup); must run as root.
     */
    public static void drop(int uid, int gid, int[] groups) throws PrivilegeDropException {
        drop(uid, gid, groups, ProcTasks.PATHS);
    }

    /** As {@link #drop(int, int, int[])}, every thread checked through {@code tasks} (a chroot has no /proc). */
    static void drop(int uid, int gid, int[] groups, ProcTasks tasks) throws PrivilegeDropException {
        step("setgroups " + Arrays.toString(groups), () -> C.setgroups(groups.length, groups));
        step("setresgid " + gid, () -> C.setresgid(gid, gid, gid));
        step("setresuid " + uid, () -> C.setresuid(uid, uid, uid));
        verify(uid, gid, groups, tasks);
    }

    /**
     * Throws unless real, effective and saved ids are uid/gid, the supplementary groups are
     * getgrouplist(userName, gid), root cannot be regained, and every thread agrees.
     */
    public static void verify(int uid, int gid, String userName) throws PrivilegeDropException {
        verify(uid, gid, groupsOf(userName, gid));
    }

    /** As {@link #verify(int, int, String)} with the supplementary groups given. */
    public static void verify(int uid, int gid, int[] wanted) throws PrivilegeDropException {
        verify(uid, gid, wanted, ProcTasks.PATHS);
    }

    private static void verify(int uid, int gid, int[] wanted, ProcTasks tasks) throws PrivilegeDropException {
        expectIds("getresuid", C::getresuid, uid);
        expectIds("getresgid", C::getresgid, gid);
        Set<Integer> groups = toSet(wanted);
        Set<Integer> held = toSet(getgroups());
        if (!held.equals(groups)) {
            throw new PrivilegeDropException("supplementary groups are " + held + ", wanted " + groups);
        }
        // Root may become root; a user whose primary group is 0 may setgid(0) as a no-op.
        if (uid != 0) {
            expectRefused("setuid(0)", C.setuid(0));
            if (gid != 0) {
                expectRefused("setgid(0)", C.setgid(0));
            }
        }
        verifyThreads(uid, gid, groups, tasks);
    }

    private static int[] groupsOf(String userName, int gid) throws PrivilegeDropException {
        try {
            return groupList(userName, gid);
        } catch (SysCallException e) {
            throw new PrivilegeDropException("cannot list the groups of " + userName + ": " + e.getMessage(), e);
        }
    }

    /** getgrouplist(3): userName's groups, including gid. */
    public static int[] groupList(String userName, int gid) throws SysCallException {
        byte[] user = cstring(userName);
        int[] count = {32};
        while (true) {
            int[] groups = new int[count[0]];
            if (C.getgrouplist(user, gid, groups, count) != -1) {
                return Arrays.copyOf(groups, count[0]);
            }
            // -1 with a larger count means "buffer too small, this many are needed".
            if (count[0] <= groups.length) {
                throw new SysCallException("getgrouplist " + userName, Libc.errno());
            }
        }
    }

    private static void step(String name, LongSupplier syscall) throws PrivilegeDropException {
        try {
            call(name, syscall);
        } catch (SysCallException e) {
            throw new PrivilegeDropException("cannot drop privileges: " + e.getMessage(), e);
        }
    }

    private static void expectIds(String name, ResIds call, int wanted) throws PrivilegeDropException {
        int[] real = new int[1];
        int[] effective = new int[1];
        int[] saved = new int[1];
        if (call.get(real, effective, saved) != 0) {
            throw new PrivilegeDropException(name + ": " + Errno.describe(Libc.errno()));
        }
        if (real[0] != wanted || effective[0] != wanted || saved[0] != wanted) {
            throw new PrivilegeDropException(name + " gives real " + real[0] + ", effective " + effective[0]
                    + ", saved " + saved[0] + "; wanted " + wanted + " for all three");
        }
    }

    private static void expectRefused(String name, int rc) throws PrivilegeDropException {
        if (rc == 0) {
            throw new PrivilegeDropException(name + " succeeded: root can be regained");
        }
        int errno = Libc.errno();
        if (errno != Errno.EPERM) {
            throw new PrivilegeDropException(name + " failed with \"" + Errno.describe(errno) + "\", not EPERM");
        }
    }

    static int[] getgroups() throws PrivilegeDropException {
        try {
            int[] groups = new int[(int) call("getgroups", () -> C.getgroups(0, null))];
            int n = (int) call("getgroups", () -> C.getgroups(groups.length, groups));
            return Arrays.copyOf(groups, n);
        } catch (SysCallException e) {
            throw new PrivilegeDropException(e.getMessage(), e);
        }
    }

    /** Each thread's credentials as the kernel reports them in /proc/self/task/TID/status. */
    private static void verifyThreads(int uid, int gid, Set<Integer> groups, ProcTasks tasks)
            throws PrivilegeDropException {
        String uids = "Uid:" + ("\t" + uid).repeat(4);
        String gids = "Gid:" + ("\t" + gid).repeat(4);
        try {
            for (String task : tasks.list()) {
                Optional<List<String>> read = tasks.status(task);
                if (read.isEmpty()) {
                    continue; // the thread has exited
                }
                List<String> status = read.get();
                String thread = "thread " + task + ": ";
                if (!status.contains(uids) || !status.contains(gids)) {
                    throw new PrivilegeDropException(thread + field(status, "Uid:") + ", " + field(status, "Gid:")
                            + "; wanted " + uid + " and " + gid + " for real, effective, saved and filesystem ids");
                }
                Set<Integer> threadGroups = Arrays.stream(field(status, "Groups:").split("\\s+"))
                        .skip(1).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
                if (!threadGroups.equals(groups)) {
                    throw new PrivilegeDropException(thread + "groups " + threadGroups + ", wanted " + groups);
                }
            }
        } catch (IOException e) {
            throw new PrivilegeDropException("cannot read /proc/self/task: " + e, e);
        }
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(line -> line.startsWith(name)).findFirst().orElse(name + " missing");
    }

    private static Set<Integer> toSet(int[] ids) {
        return IntStream.of(ids).boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}
