// ChrootDirectory for an engine: chroot(2) and chdir("/") while still root, as sshd's safely_chroot() ends.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The monitor has checked the directory ({@code ChrootCheck}); the engine enters it while root,
 * drops to the user, then serves with what it holds open: its jars, its class-data archive,
 * the monitor channel (names and log lines) and the client's socket. What the JDK would read
 * from the file system later is read here first.
 */
public final class Jail {
    private Jail() {}

    /**
     * Enters {@code directory} for the whole process (every thread sees the new root), then drops
     * to the user as {@link PrivilegeDrop#drop(int, int, int[])} does. The threads' credentials are
     * checked through a descriptor of /proc opened first, and closed before this returns: a
     * directory descriptor from outside would lead out of the jail (fchdir, then "..").
     */
    public static void enterAndDrop(String directory, int uid, int gid, int[] groups)
            throws SysCallException, PrivilegeDropException {
        preload();
        int proc = (int) Libc.call("open /proc", () -> Libc.C.open(Libc.cstring("/proc"),
                ProcTasks.OpenFlags.O_DIRECTORY | ProcTasks.OpenFlags.O_CLOEXEC, 0));
        try {
            Libc.call("chroot", () -> Libc.C.chroot(Libc.cstring(directory)));
            Libc.call("chdir", () -> Libc.C.chdir(Libc.cstring("/")));
            PrivilegeDrop.drop(uid, gid, groups, ProcTasks.at(proc));
        } finally {
            Libc.C.close(proc);
        }
    }

    /**
     * The time zone rules (lib/tzdb.dat and /etc/localtime) are read on first use, which ls -l's
     * dates would make inside the jail, where neither file is; jnr finds libc by its path on
     * first use, so the file calls are bound here too.
     */
    private static void preload() {
        DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.US).format(ZonedDateTime.now(ZoneId.systemDefault()));
        TimeZone.getDefault();
        Posix.get();
    }
}
