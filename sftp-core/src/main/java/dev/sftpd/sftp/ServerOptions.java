// What sftp-server's flags (or sshd_config's "Subsystem sftp internal-sftp FLAGS") decide for a session.
package dev.sftpd.sftp;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.util.Optional;

/**
 * @param startDirectory -d, before %/~ expansion (expanded per user when the session starts)
 * @param umask -u, empty to keep the inherited one
 */
public record ServerOptions(boolean readOnly, Optional<MatchList> allowed, Optional<MatchList> denied,
                            Optional<String> startDirectory, Optional<Integer> umask,
                            LogLevel logLevel, SyslogFacility facility, boolean logToStderr) {
    public static final ServerOptions DEFAULTS = new ServerOptions(false, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), LogLevel.ERROR, SyslogFacility.AUTH, false);
}
