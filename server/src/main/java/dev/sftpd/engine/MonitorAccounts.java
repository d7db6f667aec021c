// Names for ls -l in a ChrootDirectory: asked of the monitor, since the jail has no passwd or group database.
package dev.sftpd.engine;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorCalls.NameKind;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.IdNames;
import java.io.IOException;
import java.util.Optional;

/**
 * Each id is asked once per session (up to {@link IdNames}' bound). A user's home by name
 * ("~bob") is not looked up: as for sshd's sftp-server in a chroot, there is no such lookup in
 * the jail.
 */
final class MonitorAccounts implements Accounts {
    private final MonitorCalls monitor;
    private final IdNames users = new IdNames(uid -> ask(NameKind.USER, uid));
    private final IdNames groups = new IdNames(gid -> ask(NameKind.GROUP, gid));

    MonitorAccounts(MonitorCalls monitor) {
        this.monitor = monitor;
    }

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
        return Optional.empty();
    }

    /** No answer (the monitor gone) reads as no name: ls -l then prints the number, as sftp-server does. */
    private Optional<String> ask(NameKind kind, int id) {
        try {
            return monitor.name(kind, id);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
