// A system account as sshd sees it: the getpwnam() entry authentication decides about.
package dev.sftpd.monitor.auth;

import java.nio.file.Path;
import java.util.Optional;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

/** The shell is kept as the passwd file has it: empty means /bin/sh, which {@link AllowedUser} applies. */
public record Account(String name, int uid, int gid, Path home, Path shell) {
    /** getpwnam() returns a static buffer: one lookup at a time, fields copied before the lock is released. */
    private static final Object GETPWNAM = new Object();

    public static Optional<Account> lookup(String name) {
        // C would read "root\0x" as "root": a name the client sent must not resolve to another account.
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        synchronized (GETPWNAM) {
            Passwd pw = Native.POSIX.getpwnam(name);
            if (pw == null) {
                return Optional.empty();
            }
            return Optional.of(new Account(pw.getLoginName(), (int) pw.getUID(), (int) pw.getGID(),
                    Path.of(pw.getHome()), Path.of(pw.getShell())));
        }
    }

    /** Loaded on first lookup only: initialising jnr costs start-up time that tests of other classes need not pay. */
    private static final class Native {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    }
}
