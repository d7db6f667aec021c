// What sshd_config's Match blocks give a connection once its user is named: the monitor's settings for that user.
package dev.sftpd.monitor;

import java.util.Optional;

/**
 * Asked once per connection, by the first authentication request (which fixes the user for good),
 * as sshd re-reads its Match blocks in getpwnamallow(). Empty when no Match block applies.
 */
@FunctionalInterface
public interface MatchedSettings {
    /** For a configuration without Match blocks. */
    MatchedSettings NONE = user -> Optional.empty();

    Optional<Matched> forUser(String user);

    /** The connection's settings from then on: authentication, then its sessions. */
    record Matched(AuthSettings auth, SessionSettings sessions) {}
}
