// Names of uids and gids as the monitor sees them (NAMES), cached: the worker does no NSS lookups itself.
package dev.sftpd.worker;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.NssAccounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why through the monitor: an NSS module (nss-systemd) leaves a socket open in the process
 * that looked up, and a chrooted worker cannot read NSS at all. Lookups of a user by name
 * ("~user", home-directory) are rare and still go to NSS until the protocol carries them.
 */
final class MonitorAccounts implements Accounts {
    private static final int USER = 0;
    private static final int GROUP = 1;

    private final MonitorCalls monitor;
    private final Map<Long, Optional<String>> cache = new ConcurrentHashMap<>();
    private final NssAccounts byName = new NssAccounts();

    MonitorAccounts(MonitorCalls monitor) {
        this.monitor = monitor;
    }

    @Override
    public Optional<String> userName(int uid) {
        return name(USER, uid);
    }

    @Override
    public Optional<String> groupName(int gid) {
        return name(GROUP, gid);
    }

    @Override
    public Optional<User> user(String name) {
        return byName.user(name);
    }

    private Optional<String> name(int kind, int id) {
        return cache.computeIfAbsent((long) kind << 32 | Integer.toUnsignedLong(id), k -> {
            try {
                String name = monitor.name(kind, id);
                return name.isEmpty() ? Optional.empty() : Optional.of(name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
