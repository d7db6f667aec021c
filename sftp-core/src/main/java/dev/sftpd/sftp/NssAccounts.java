// Accounts answered by the C library's NSS (getpwuid, getgrgid, getpwnam), with small caches as BSD's user_from_uid.
package dev.sftpd.sftp;

import java.nio.charset.Charset;
import java.util.Optional;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

public final class NssAccounts implements Accounts {
    private final POSIX posix = POSIXFactory.getNativePOSIX();
    private final IdNames users =
            new IdNames(uid -> Optional.ofNullable(posix.getpwuid(uid)).map(Passwd::getLoginName));
    private final IdNames groups = new IdNames(gid -> Optional.ofNullable(posix.getgrgid(gid)).map(Group::getName));

    @Override
    public Optional<String> userName(int uid) {
        return users.name(uid);
    }

    @Override
    public Optional<String> groupName(int gid) {
        return groups.name(gid);
    }

    @Override
    public Optional<User> user(String name) {
        Passwd pw = posix.getpwnam(name);
        if (pw == null) {
            return Optional.empty();
        }
        return Optional.of(new User(pw.getLoginName(), (int) pw.getUID(), (int) pw.getGID(),
                pw.getHome().getBytes(Charset.defaultCharset())));
    }

    /** The account the process runs as: what the stdio sftp-server serves. */
    public User currentUser() {
        Passwd pw = posix.getpwuid(posix.getuid());
        if (pw == null) {
            throw new IllegalStateException("No user found for uid " + posix.getuid());
        }
        return user(pw.getLoginName()).orElseThrow();
    }
}
