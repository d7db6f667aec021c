// User and group lookups the SFTP engine needs (long names, ~user, home-directory, users-groups-by-id).
package dev.sftpd.sftp;

import java.util.Optional;

/**
 * An interface because a chrooted worker cannot read NSS itself: there the monitor
 * answers (the NAMES message); the stdio server and unchrooted workers use {@link NssAccounts}.
 */
public interface Accounts {
    Optional<String> userName(int uid);

    Optional<String> groupName(int gid);

    Optional<User> user(String name);

    record User(String name, int uid, int gid, byte[] home) {}
}
