// Accounts answered by the C library's NSS (getpwuid, getgrgid, getpwnam), with small caches as BSD's user_from_uid.
package dev.sftpd.sftp;

import java.nio.charset.Charset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

public final class NssAccounts implements Accounts {
    private static final int CACHE_LIMIT = 1024;

    private final POSIX posix = POSIXFactory.getNativePOSIX();
    private final Map<Integer, Optional<String>> users = new ConcurrentHashMap<>();
    private final Map<Integer, Optional<String>> groups = new ConcurrentHashMap<>();

    @Override
    public Optional<String> userName(int uid) {
        return cached(users, uid, () -> Optional.ofNullable(posix.getpwuid(uid)).map(Passwd::getLoginName));
    }

    @Override
    public Optional<String> groupName(int gid) {
        return cached(groups, gid, () -> Optional.ofNullable(posix.getgrgid(gid)).map(Group::getName));
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

    private static Optional<String> cached(Map<Integer, Optional<String>> cache, int id,
                                           java.util.function.Supplier<Optional<String>> lookup) {
        Optional<String> v = cache.get(id);
        if (v == null) {
            v = lookup.get();
            if (cache.size() < CACHE_LIMIT) {
                cache.put(id, v);
            }
        }
        return v;
    }
}
