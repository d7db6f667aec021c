// Writes utmp, wtmp and lastlog for SFTP sessions as OpenSSH's loginrec.c does on Linux.
package dev.sftpd.monitor.login;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.function.IntPredicate;
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
    /** A session's line: this prefix, then the pid of the session's process. */
    public static final String LINE_PREFIX = "sftp";

    private final LoginFiles files;
    private final Glibc glibc = Glibc.get();
    private final int fileGroup = utmpGroup();
    private final UtmpSlots slots = new UtmpSlots();

    public LoginRecorder(LoginFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    /** In login_write()'s order: utmp, wtmp, then lastlog. */
    public synchronized void login(Session s) {
        writeUtmpx(Utmpx.login(s, slots.take(s.pid(), s.line())));
        LastlogEntry last = LastlogEntry.login(s);
        write("lastlog", files.lastlog(), f -> glibc.pwrite(f, last.toBytes(), LastlogEntry.offset(s.uid())));
    }

    /** lastlog keeps the last login, so a logout touches utmp and wtmp only. */
    public synchronized void logout(Session s, Instant logoutTime) {
        writeUtmpx(Utmpx.logout(s, slots.release(s.pid(), s.line()), logoutTime));
    }

    /**
     * Ends the utmp sessions whose process is gone. A daemon that was killed (kill -9, a crash)
     * recorded no logouts, and who would list its sessions for ever; so at start the daemon ends
     * each open session of its own (line "sftp" and the pid of the session's process) whose
     * process {@code alive} says is gone, in utmp and with a wtmp logout dated now, as if it
     * had seen the session end. Other programs' entries and live sessions are left alone, and
     * no login of this daemon's takes a live session's slot.
     */
    public synchronized void endSessionsWhoseProcessIsGone(IntPredicate alive) {
        byte[] utmp;
        try {
            utmp = Files.readAllBytes(files.utmp());
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            log.error("utmpx: read %s: %s", files.utmp(), e.getMessage());
            return;
        }
        ByteBuffer entries = ByteBuffer.wrap(utmp).order(ByteOrder.nativeOrder());
        for (int at = 0; at + Utmpx.SIZE <= utmp.length; at += Utmpx.SIZE) {
            Utmpx entry = Utmpx.read(entries, at);
            if (entry.type() != Utmpx.USER_PROCESS || !entry.line().equals(LINE_PREFIX + entry.pid())) {
                continue;
            }
            if (alive.test(entry.pid())) {
                slots.keep(entry.pid(), entry.id());
            } else {
                writeUtmpx(entry.ended(Instant.now()));
                log.info("Ended login record %s of %s from %s: its process is gone", entry.line(), entry.user(),
                        entry.host());
            }
        }
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
