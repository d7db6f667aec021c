// The sshd_config keywords sftpd reads, as one table: adding a keyword is adding a row here and a component to Config.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.Keyword.repeated;
import static dev.sftpd.server.config.Keyword.single;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.Forwarding;
import dev.sftpd.monitor.auth.PermitRoot;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

final class Keywords {
    static final Keyword<List<Integer>> PORT = repeated("Port", Syntax.PORT, List.of(22), Config::ports);
    static final Keyword<List<InetSocketAddress>> LISTEN_ADDRESS = repeated("ListenAddress", Syntax.LISTEN_ADDRESS,
            List.of(new InetSocketAddress("0.0.0.0", 0), new InetSocketAddress("::", 0)), Config::listenAddresses);
    static final Keyword<List<Path>> HOST_KEY = repeated("HostKey", Syntax.PATH,
            List.of(Path.of("/etc/sftpd/ssh_host_ed25519_key"), Path.of("/etc/sftpd/ssh_host_rsa_key")),
            Config::hostKeys);
    static final Keyword<Optional<Path>> PID_FILE = single("PidFile", Syntax.PATH_OR_NONE,
            Optional.of(Path.of("/run/sftpd.pid")), Config::pidFile);
    static final Keyword<List<String>> AUTHORIZED_KEYS_FILE = single("AuthorizedKeysFile",
            Syntax.AUTHORIZED_KEYS_FILES, List.of(".ssh/authorized_keys", ".ssh/authorized_keys2"),
            Config::authorizedKeysFiles).allowedInMatch();
    static final Keyword<Boolean> PUBKEY_AUTHENTICATION = single("PubkeyAuthentication", Syntax.YES_NO, true,
            Config::pubkeyAuthentication).allowedInMatch();
    static final Keyword<Boolean> STRICT_MODES = single("StrictModes", Syntax.YES_NO, true, Config::strictModes);
    static final Keyword<LogLevel> LOG_LEVEL = single("LogLevel", Syntax.LOG_LEVEL, LogLevel.INFO,
            Config::logLevel).allowedInMatch();
    static final Keyword<SyslogFacility> SYSLOG_FACILITY = single("SyslogFacility", Syntax.SYSLOG_FACILITY,
            SyslogFacility.AUTH, Config::syslogFacility);
    static final Keyword<List<String>> CIPHERS = algorithms("Ciphers", Algorithms.CIPHERS, Config::ciphers);
    static final Keyword<List<String>> MACS = algorithms("MACs", Algorithms.MACS, Config::macs);
    static final Keyword<List<String>> KEX_ALGORITHMS =
            algorithms("KexAlgorithms", Algorithms.KEX, Config::kexAlgorithms);
    static final Keyword<List<String>> HOST_KEY_ALGORITHMS =
            algorithms("HostKeyAlgorithms", Algorithms.HOST_KEY, Config::hostKeyAlgorithms);
    static final Keyword<RekeyLimit> REKEY_LIMIT = single("RekeyLimit", RekeyLimit.SYNTAX, RekeyLimit.DEFAULT,
            Config::rekeyLimit).allowedInMatch();
    // OpenSSH allows Subsystem in Match blocks since 9.5.
    static final Keyword<InternalSftp> SUBSYSTEM = single("Subsystem", InternalSftp.SUBSYSTEM, InternalSftp.DEFAULT,
            Config::sftpSubsystem).allowedInMatch();
    static final Keyword<Optional<InternalSftp>> FORCE_COMMAND = single("ForceCommand", InternalSftp.FORCE_COMMAND,
            Optional.empty(), Config::forceCommand).allowedInMatch();
    // Debian's sshd_config turns UsePAM on, and sftpd is packaged for Debian first.
    static final Keyword<Boolean> USE_PAM = single("UsePAM", Syntax.YES_NO, true, Config::usePam);
    static final Keyword<Boolean> PASSWORD_AUTHENTICATION = single("PasswordAuthentication", Syntax.YES_NO, true,
            Config::passwordAuthentication).allowedInMatch();
    static final Keyword<Boolean> KBD_INTERACTIVE_AUTHENTICATION = single("KbdInteractiveAuthentication",
            Syntax.YES_NO, true, Config::kbdInteractiveAuthentication).allowedInMatch();
    static final Keyword<Boolean> PERMIT_EMPTY_PASSWORDS = single("PermitEmptyPasswords", Syntax.YES_NO, false,
            Config::permitEmptyPasswords).allowedInMatch();
    static final Keyword<PermitRoot> PERMIT_ROOT_LOGIN = single("PermitRootLogin", Syntax.PERMIT_ROOT_LOGIN,
            PermitRoot.PROHIBIT_PASSWORD, Config::permitRootLogin).allowedInMatch();
    static final Keyword<List<List<String>>> AUTHENTICATION_METHODS = single("AuthenticationMethods",
            Syntax.AUTHENTICATION_METHODS, List.of(), Config::authenticationMethods).allowedInMatch();
    static final Keyword<Integer> MAX_AUTH_TRIES = single("MaxAuthTries", Syntax.COUNT, 6, Config::maxAuthTries)
            .allowedInMatch();
    // Each session is an engine process: the limit keeps one connection from starting hundreds.
    static final Keyword<Integer> MAX_SESSIONS = single("MaxSessions", Syntax.COUNT, 10, Config::maxSessions)
            .allowedInMatch();
    static final Keyword<Duration> LOGIN_GRACE_TIME = single("LoginGraceTime", Syntax.TIME, Duration.ofSeconds(120),
            Config::loginGraceTime);
    static final Keyword<List<String>> ALLOW_USERS = repeated("AllowUsers", Syntax.USER_PATTERNS, List.of(),
            c -> c.accessRules().allowUsers()).allowedInMatch();
    static final Keyword<List<String>> DENY_USERS = repeated("DenyUsers", Syntax.USER_PATTERNS, List.of(),
            c -> c.accessRules().denyUsers()).allowedInMatch();
    static final Keyword<List<String>> ALLOW_GROUPS = repeated("AllowGroups", Syntax.GROUP_PATTERNS, List.of(),
            c -> c.accessRules().allowGroups()).allowedInMatch();
    static final Keyword<List<String>> DENY_GROUPS = repeated("DenyGroups", Syntax.GROUP_PATTERNS, List.of(),
            c -> c.accessRules().denyGroups()).allowedInMatch();
    static final Keyword<Optional<String>> TRUSTED_USER_CA_KEYS = single("TrustedUserCAKeys", Syntax.TRUSTED_USER_CA_KEYS,
            Optional.empty(), Config::trustedUserCaKeys).allowedInMatch();
    // sshd's defaults; ClientAlive* are applied by the transport, so not in Match (see ConfigParser).
    static final Keyword<Duration> CLIENT_ALIVE_INTERVAL = single("ClientAliveInterval", Syntax.TIME, Duration.ZERO,
            Config::clientAliveInterval).allowedInMatch();
    static final Keyword<Integer> CLIENT_ALIVE_COUNT_MAX = single("ClientAliveCountMax", Syntax.COUNT, 3,
            Config::clientAliveCountMax).allowedInMatch();
    static final Keyword<Boolean> TCP_KEEP_ALIVE = single("TCPKeepAlive", Syntax.YES_NO, true,
            Config::tcpKeepAlive);
    static final Keyword<Optional<Path>> BANNER = single("Banner", Syntax.PATH_OR_NONE, Optional.empty(),
            Config::banner).allowedInMatch();
    static final Keyword<Boolean> USE_DNS = single("UseDNS", Syntax.YES_NO, false, Config::useDns);
    static final Keyword<Optional<String>> VERSION_ADDENDUM = single("VersionAddendum", Syntax.TEXT_OR_NONE,
            Optional.empty(), Config::versionAddendum);
    static final Keyword<Optional<String>> CHROOT_DIRECTORY = single("ChrootDirectory", Syntax.CHROOT_DIRECTORY,
            Optional.empty(), Config::chrootDirectory).allowedInMatch();
    static final Keyword<Optional<String>> AUTHORIZED_PRINCIPALS_FILE = single("AuthorizedPrincipalsFile",
            Syntax.AUTHORIZED_PRINCIPALS_FILE, Optional.empty(), Config::authorizedPrincipalsFile).allowedInMatch();
    // sftpd's default is no: an SFTP server opens no connection for its users unless told to.
    static final Keyword<Forwarding.Allow> ALLOW_TCP_FORWARDING = single("AllowTcpForwarding",
            Syntax.ALLOW_TCP_FORWARDING, Forwarding.Allow.NO, Config::allowTcpForwarding).allowedInMatch();
    static final Keyword<Boolean> DISABLE_FORWARDING = single("DisableForwarding", Syntax.YES_NO, false,
            Config::disableForwarding).allowedInMatch();
    static final Keyword<List<String>> PERMIT_OPEN = single("PermitOpen", Syntax.PERMIT_OPEN,
            List.of(Forwarding.ANY), Config::permitOpen).allowedInMatch();
    static final Keyword<MaxStartups> MAX_STARTUPS = single("MaxStartups", MaxStartups.SYNTAX, MaxStartups.DEFAULT,
            Config::maxStartups);
    static final Keyword<OptionalInt> PER_SOURCE_MAX_STARTUPS = single("PerSourceMaxStartups",
            Syntax.COUNT_OR_NONE, OptionalInt.empty(), Config::perSourceMaxStartups);
    static final Keyword<NetBlockSize> PER_SOURCE_NET_BLOCK_SIZE = single("PerSourceNetBlockSize",
            NetBlockSize.SYNTAX, NetBlockSize.DEFAULT, Config::perSourceNetBlockSize);
    // sshd's since 9.8, and on by default as there. The value's options each keep their first setting.
    static final Keyword<PerSourcePenalties.Lines> PER_SOURCE_PENALTIES = new Keyword<>("PerSourcePenalties",
            PerSourcePenalties.Lines.SYNTAX, PerSourcePenalties.Lines.NONE, PerSourcePenalties.Lines::then, false,
            c -> c.perSourcePenalties().lines());
    static final Keyword<Optional<String>> PER_SOURCE_PENALTY_EXEMPT_LIST = single("PerSourcePenaltyExemptList",
            Syntax.ADDRESS_LIST_OR_NONE, Optional.empty(), Config::perSourcePenaltyExemptList);
    // sftpd's own: where the monitor serves Prometheus metrics over HTTP (docs/SCALE.md).
    static final Keyword<Optional<InetSocketAddress>> METRICS_LISTEN_ADDRESS = single("MetricsListenAddress",
            Syntax.ADDRESS_PORT_OR_NONE, Optional.empty(), Config::metricsListenAddress);
    // sftpd's own keywords, not sshd's: sshd forks per connection, sftpd keeps processes started ahead.
    static final Keyword<PoolSize> TRANSPORT_POOL_SIZE = single("TransportPoolSize", PoolSize.SYNTAX,
            PoolSize.TRANSPORTS, Config::transportPoolSize);
    static final Keyword<PoolSize> ENGINE_POOL_SIZE = single("EnginePoolSize", PoolSize.SYNTAX, PoolSize.ENGINES,
            Config::enginePoolSize);
    // sftpd's own: where the daemon answers PROTOCOL.mux requests (sftpd -O, ssh -S PATH -O).
    static final Keyword<Optional<Path>> CONTROL_SOCKET = single("ControlSocket", Syntax.PATH_OR_NONE,
            Optional.of(Path.of("/run/sftpd/control")), Config::controlSocket);
    // sftpd's own: sshd has no PROXY protocol. Global only: it is decided before anything else is known.
    static final Keyword<ProxySources> PROXY_PROTOCOL = single("ProxyProtocol", ProxySources.SYNTAX,
            ProxySources.NONE, Config::proxyProtocol);
    // sftpd's own: the JSON audit log the monitor writes (connections, logins, sessions, file operations).
    static final Keyword<Optional<Path>> AUDIT_LOG = single("AuditLog", Syntax.PATH_OR_NONE, Optional.empty(),
            Config::auditLog);

    /** Every keyword, in the order -T prints them. */
    /**
     * What a stock sshd_config sets for shells, ptys, X11, the environment and the message of the
     * day: read and checked so that the file passes, printed by -T, and logged once at VERBOSE as
     * having no effect on a daemon that serves SFTP only. sshd's defaults.
     */
    static final List<Keyword<List<String>>> NO_EFFECT = List.of(
            noEffect("X11Forwarding", Syntax.YES_NO_WORD, "no").allowedInMatch(),
            noEffect("X11DisplayOffset", Syntax.COUNT_WORD, "10").allowedInMatch(),
            noEffect("X11UseLocalhost", Syntax.YES_NO_WORD, "yes").allowedInMatch(),
            noEffect("XAuthLocation", Syntax.ONE_WORD, "/usr/bin/xauth"),
            noEffect("PrintMotd", Syntax.YES_NO_WORD, "yes"),
            noEffect("PrintLastLog", Syntax.YES_NO_WORD, "yes"),
            noEffect("PermitTTY", Syntax.YES_NO_WORD, "yes").allowedInMatch(),
            noEffect("PermitUserRC", Syntax.YES_NO_WORD, "yes").allowedInMatch(),
            noEffect("PermitUserEnvironment", Syntax.ONE_WORD, "no"),
            noEffect("DebianBanner", Syntax.YES_NO_WORD, "yes"),
            repeated("AcceptEnv", Syntax.WORD_PER_LINE, List.of(), c -> c.noEffect().get("AcceptEnv")));

    static final List<Keyword<?>> ALL = Stream.concat(Stream.<Keyword<?>>of(PORT, LISTEN_ADDRESS, HOST_KEY, PID_FILE,
            AUTHORIZED_KEYS_FILE, PUBKEY_AUTHENTICATION, STRICT_MODES, LOG_LEVEL, SYSLOG_FACILITY, CIPHERS, MACS, KEX_ALGORITHMS,
            HOST_KEY_ALGORITHMS, REKEY_LIMIT, SUBSYSTEM, FORCE_COMMAND, USE_PAM, PASSWORD_AUTHENTICATION,
            KBD_INTERACTIVE_AUTHENTICATION, PERMIT_EMPTY_PASSWORDS, PERMIT_ROOT_LOGIN, AUTHENTICATION_METHODS,
            MAX_AUTH_TRIES, MAX_SESSIONS, LOGIN_GRACE_TIME, ALLOW_USERS, DENY_USERS, ALLOW_GROUPS, DENY_GROUPS,
            TRUSTED_USER_CA_KEYS, AUTHORIZED_PRINCIPALS_FILE, MAX_STARTUPS, PER_SOURCE_MAX_STARTUPS,
            PER_SOURCE_NET_BLOCK_SIZE, PER_SOURCE_PENALTIES, PER_SOURCE_PENALTY_EXEMPT_LIST, METRICS_LISTEN_ADDRESS,
            TRANSPORT_POOL_SIZE, ENGINE_POOL_SIZE, CHROOT_DIRECTORY, CLIENT_ALIVE_INTERVAL,
            CLIENT_ALIVE_COUNT_MAX, TCP_KEEP_ALIVE, USE_DNS, VERSION_ADDENDUM, BANNER, CONTROL_SOCKET, AUDIT_LOG,
            ALLOW_TCP_FORWARDING, DISABLE_FORWARDING, PERMIT_OPEN, PROXY_PROTOCOL), NO_EFFECT.stream())
            .toList();

    /**
     * Other names sshd reads for a keyword: the same row, so that the first line of either spelling wins.
     * -T prints the keyword's own name.
     */
    private static final Map<String, Keyword<?>> ALIASES =
            Map.of("ChallengeResponseAuthentication", KBD_INTERACTIVE_AUTHENTICATION);

    private static final Map<String, Keyword<?>> BY_NAME = Stream.concat(
            ALL.stream().map(k -> Map.entry(k.name(), k)), ALIASES.entrySet().stream())
            .collect(Collectors.toMap(e -> lowerCase(e.getKey()), Map.Entry::getValue));

    /**
     * sshd keywords sftpd does not implement (yet): refused by name, so that a copied sshd_config fails on
     * the line to remove rather than on an "unknown" keyword. Match and Include are absent: the parser owns them.
     */
    private static final Set<String> NOT_SUPPORTED = Stream.of(
            "AddressFamily", "AllowAgentForwarding", "AllowStreamLocalForwarding",
            "AuthorizedKeysCommand", "AuthorizedKeysCommandUser", "AuthorizedPrincipalsCommand",
            "AuthorizedPrincipalsCommandUser", "CASignatureAlgorithms", "ChannelTimeout",
            "Compression",
            "ExposeAuthInfo", "FingerprintHash", "GatewayPorts", "GSSAPIAuthentication", "GSSAPICleanupCredentials",
            "GSSAPIKexAlgorithms", "GSSAPIKeyExchange", "GSSAPIStoreCredentialsOnRekey", "GSSAPIStrictAcceptorCheck",
            "HostbasedAcceptedAlgorithms", "HostbasedAcceptedKeyTypes", "HostbasedAuthentication",
            "HostbasedUsesNameFromPacketOnly", "HostCertificate", "HostKeyAgent", "IgnoreRhosts",
            "IgnoreUserKnownHosts", "IPQoS", "KerberosAuthentication", "KerberosGetAFSToken",
            "KerberosOrLocalPasswd", "KerberosTicketCleanup", "LogVerbose", "ModuliFile", "PermitListen",
            "PermitTunnel", "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes", "PubkeyAuthOptions", "RDomain",
            "RefuseConnection",
            "RequiredRSASize", "RevokedKeys", "SecurityKeyProvider", "SetEnv", "SshdAuthPath", "SshdSessionPath",
            "StreamLocalBindMask", "StreamLocalBindUnlink", "UnusedConnectionTimeout")
            .map(Keywords::lowerCase).collect(Collectors.toUnmodifiableSet());

    private Keywords() {}

    /** The row for a keyword as written: sshd's keywords are case-insensitive. */
    static Optional<Keyword<?>> find(String keyword) {
        return Optional.ofNullable(BY_NAME.get(lowerCase(keyword)));
    }

    static boolean notSupported(String keyword) {
        return NOT_SUPPORTED.contains(lowerCase(keyword));
    }

    private static Keyword<List<String>> noEffect(String name, Syntax<List<String>> syntax, String defaultWord) {
        return single(name, syntax, List.of(defaultWord), c -> c.noEffect().get(name));
    }

    private static Keyword<List<String>> algorithms(String name, Algorithms family,
                                                    Function<Config, List<String>> effective) {
        return single(name, family.syntax(), family.defaults(), effective);
    }

    private static String lowerCase(String keyword) {
        return keyword.toLowerCase(Locale.ROOT);
    }
}
