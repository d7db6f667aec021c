// Writes utmp, wtmp and lastlog for SFTP sessions as OpenSSH's loginrec.c does on Linux.
package dev.sftpd.monitor.login;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * So that who, last and lastlog show SFTP sessions. A record that cannot be written is logged
 * and skipped: as with sshd, a session never fails for want of a login record.
 */
public final class LoginRecorder {
    private static final SshLog log = SshLog.get(LoginRecorder.class);

    /** rw-rw-r--, group utmp: how Debian ships these files, so utmp-group programs may write them. */
    private static final int FILE_MODE = 0664;

    private final LoginFiles files;
    private final Glibc glibc = Glibc.get();
    private final int fileGroup = utmpGroup();

    public LoginRecorder(LoginFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    /** In login_write()'s order: utmp, wtmp, then lastlog. */
    public synchronized void login(Session s) {
        writeUtmpx(Utmpx.login(s));
        LastlogEntry last = LastlogEntry.login(s);
        write("lastlog", files.lastlog(), f -> glibc.pwrite(f, last.toBytes(), LastlogEntry.offset(s.uid())));
    }

    /** lastlog keeps the last login, so a logout touches utmp and wtmp only. */
    public synchronized void logout(Session s, Instant logoutTime) {
        writeUtmpx(Utmpx.logout(s, logoutTime));
    }

    private void writeUtmpx(Utmpx record) {
        byte[] utx = record.toBytes();
        write("utmpx", files.utmp(), f -> glibc.pututxline(f, utx));
        write("wtmpx", files.wtmp(), f -> glibc.updwtmpx(f, utx));
    }

    private void write(String what, Path file, Write write) {
        try {
            glibc.createIfMissing(file, FILE_MODE, fileGroup);
            write.to(file);
        } catch (SysCallException e) {
            log.error("%s: %s", what, e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Write {
        void to(Path file) throws SysCallException;
    }

    /** Only root may give a file to a group it is not in; others keep their own group (-1). */
    private static int utmpGroup() {
        POSIX posix = POSIXFactory.getNativePOSIX();
        Group utmp = posix.getgrnam("utmp");
        return posix.geteuid() == 0 && utmp != null ? (int) utmp.getGID() : -1;
    }
}
