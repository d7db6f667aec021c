// The monitor's settings made from the configuration: the global ones, and each connection's once Match knows its user.
package dev.sftpd.server;

import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.AuthSettings;
import dev.sftpd.monitor.MatchedSettings;
import dev.sftpd.monitor.SessionSettings;
import dev.sftpd.monitor.auth.AccessPolicy;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.Client;
import dev.sftpd.monitor.auth.TrustedCaFile;
import dev.sftpd.privsep.TransportSettings;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigException;
import dev.sftpd.server.config.Configuration;
import dev.sftpd.server.config.ConnectionSpec;
import dev.sftpd.server.config.InternalSftp;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * @param transportSettings what transports get in HELLO: {@link Configuration#forTransports()}'s
 */
record Policy(Configuration configuration, AuthSettings auth, SessionSettings sessions,
              TransportSettings transportSettings, boolean logToStderr) {
    private static final SshLog log = SshLog.get(Policy.class);

    static Policy of(Configuration configuration, boolean logToStderr) {
        Config global = configuration.global();
        return new Policy(configuration, auth(global), sessions(global, logToStderr),
                configuration.forTransports().transportSettings(), logToStderr);
    }

    /** What Match gives one connection, asked for with the name its first authentication request gives. */
    MatchedSettings matched(Client client, InetSocketAddress local) {
        if (!configuration.hasMatchBlocks()) {
            return MatchedSettings.NONE;
        }
        return user -> {
            try {
                Config config = configuration.forConnection(ConnectionSpec.of(user, groupsOf(user), client.host(), client.address(), local));
                return Optional.of(new MatchedSettings.Matched(auth(config), sessions(config, logToStderr)));
            } catch (ConfigException e) {
                // sshd fatal()s here: the connection gets the global settings, which the daemon checked at start.
                log.error("Match blocks for user %s: %s", user, e.getMessage());
                return Optional.empty();
            }
        };
    }

    /** The names of a user's groups for Match Group (none for an unknown user), as sshd's ga_init(). */
    static List<String> groupsOf(String user) {
        return Account.lookup(user).map(AccessPolicy::groupNames).orElse(List.of());
    }

    private static AuthSettings auth(Config config) {
        return new AuthSettings(config.pubkeyAuthentication(), config.passwordAuthentication(),
                config.kbdInteractiveAuthentication(), config.usePam(), config.permitEmptyPasswords(),
                config.permitRootLogin(), config.accessRules(), config.authenticationMethodNames(),
                config.maxAuthTries(), config.loginGraceTime(), config.strictModes(),
                a -> config.authorizedKeysFiles(a.name(), a.uid(), a.home()),
                a -> config.trustedUserCaKeys(a.name(), a.uid(), a.home())
                        .map(file -> List.of(new TrustedCaFile(file, config.trustedUserCaKeysInHome(),
                                config.strictModes()))).orElse(List.of()),
                a -> config.authorizedPrincipalsFile(a.name(), a.uid(), a.home()));
    }

    private static SessionSettings sessions(Config config, boolean logToStderr) {
        List<String> logFlags = new ArrayList<>(List.of("-l", config.logLevel().name(), "-f",
                config.syslogFacility().name()));
        if (logToStderr) {
            logFlags.add("-e");
        }
        return new SessionSettings(config.sftpSubsystem().flags(), config.forceCommand().map(InternalSftp::flags),
                List.copyOf(logFlags), config.maxSessions(),
                a -> config.chrootDirectory(a.name(), a.uid(), a.home()), config.forwarding());
    }
}
