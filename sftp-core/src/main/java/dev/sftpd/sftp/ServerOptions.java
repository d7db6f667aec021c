// What sftp-server's flags (or sshd_config's "Subsystem sftp internal-sftp FLAGS") decide for a session.
package dev.sftpd.sftp;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.util.Optional;
import java.util.Set;

/**
 * @param startDirectory -d, before %/~ expansion (expanded per user when the session starts)
 * @param umask -u, empty to keep the inherited one
 * @param quirks how this client differs (no flag: the daemon knows it from the client's version, see
 *     {@link ClientQuirks}); none for the stdio sftp-server
 */
public record ServerOptions(boolean readOnly, Optional<MatchList> allowed, Optional<MatchList> denied,
                            Optional<String> startDirectory, Optional<Integer> umask,
                            LogLevel logLevel, SyslogFacility facility, boolean logToStderr,
                            Set<ClientQuirks.Quirk> quirks) {
    public static final ServerOptions DEFAULTS = new ServerOptions(false, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), LogLevel.ERROR, SyslogFacility.AUTH, false, Set.of());

    public ServerOptions {
        quirks = Set.copyOf(quirks);
    }

    public ServerOptions withQuirks(Set<ClientQuirks.Quirk> clientQuirks) {
        return new ServerOptions(readOnly, allowed, denied, startDirectory, umask, logLevel, facility, logToStderr,
                clientQuirks);
    }
}
