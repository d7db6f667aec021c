// Accounts answered by the C library's NSS (getpwuid_r, getgrgid_r, getpwnam_r), with small caches as BSD's user_from_uid.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.Charset;
import java.util.Optional;

/**
 * A lookup NSS cannot answer (no such entry, or its source failing) is an unknown name, shown
 * as the number, as OpenSSH's sftp-server shows it.
 */
public final class NssAccounts implements Accounts {
    private final Posix posix = Posix.get();
    private final IdNames users = new IdNames(uid -> known(() -> posix.getpwuid(uid)).map(pw -> text(pw.name())));
    private final IdNames groups = new IdNames(gid -> known(() -> posix.groupName(gid)).map(NssAccounts::text));

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
        return known(() -> posix.getpwnam(name.getBytes(Charset.defaultCharset())))
                .map(pw -> new User(text(pw.name()), pw.uid(), pw.gid(), pw.home()));
    }

    /** The account the process runs as: what the stdio sftp-server serves. */
    public User currentUser() {
        int uid = posix.getuid();
        return known(() -> posix.getpwuid(uid)).flatMap(pw -> user(text(pw.name())))
                .orElseThrow(() -> new IllegalStateException("No user found for uid " + uid));
    }

    private interface Lookup<T> {
        Optional<T> get() throws SysCallException;
    }

    private static <T> Optional<T> known(Lookup<T> lookup) {
        try {
            return lookup.get();
        } catch (SysCallException e) {
            return Optional.empty();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, Charset.defaultCharset());
    }
}
