// The sshd_config keywords sftpd reads, as one table: adding a keyword is adding a row here and a component to Config.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.Keyword.repeated;
import static dev.sftpd.server.config.Keyword.single;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

    /** Every keyword, in the order -T prints them. */
    static final List<Keyword<?>> ALL = List.of(PORT, LISTEN_ADDRESS, HOST_KEY, PID_FILE, AUTHORIZED_KEYS_FILE,
            PUBKEY_AUTHENTICATION, STRICT_MODES, LOG_LEVEL, SYSLOG_FACILITY, CIPHERS, MACS, KEX_ALGORITHMS,
            HOST_KEY_ALGORITHMS, REKEY_LIMIT, SUBSYSTEM, FORCE_COMMAND);

    private static final Map<String, Keyword<?>> BY_NAME =
            ALL.stream().collect(Collectors.toMap(k -> lowerCase(k.name()), Function.identity()));

    /**
     * sshd keywords sftpd does not implement (yet): refused by name, so that a copied sshd_config fails on
     * the line to remove rather than on an "unknown" keyword. Match is absent: the parser owns it.
     */
    private static final Set<String> NOT_SUPPORTED = Stream.of(
            "AcceptEnv", "AddressFamily", "AllowAgentForwarding", "AllowGroups", "AllowStreamLocalForwarding",
            "AllowTcpForwarding", "AllowUsers", "AuthenticationMethods", "AuthorizedKeysCommand",
            "AuthorizedKeysCommandUser", "AuthorizedPrincipalsCommand", "AuthorizedPrincipalsCommandUser",
            "AuthorizedPrincipalsFile", "Banner", "CASignatureAlgorithms", "ChallengeResponseAuthentication",
            "ChannelTimeout", "ChrootDirectory", "ClientAliveCountMax", "ClientAliveInterval", "Compression",
            "DebianBanner", "DenyGroups", "DenyUsers", "DisableForwarding", "ExposeAuthInfo", "FingerprintHash",
            "GatewayPorts", "GSSAPIAuthentication", "GSSAPICleanupCredentials", "GSSAPIKexAlgorithms",
            "GSSAPIKeyExchange", "GSSAPIStoreCredentialsOnRekey", "GSSAPIStrictAcceptorCheck",
            "HostbasedAcceptedAlgorithms", "HostbasedAcceptedKeyTypes", "HostbasedAuthentication",
            "HostbasedUsesNameFromPacketOnly", "HostCertificate", "HostKeyAgent", "IgnoreRhosts",
            "IgnoreUserKnownHosts", "Include", "IPQoS", "KbdInteractiveAuthentication", "KerberosAuthentication",
            "KerberosGetAFSToken", "KerberosOrLocalPasswd", "KerberosTicketCleanup", "LoginGraceTime",
            "LogVerbose", "MaxAuthTries", "MaxSessions", "MaxStartups", "ModuliFile", "PasswordAuthentication",
            "PermitEmptyPasswords", "PermitListen", "PermitOpen", "PermitRootLogin", "PermitTTY", "PermitTunnel",
            "PermitUserEnvironment", "PermitUserRC", "PerSourceMaxStartups", "PerSourceNetBlockSize",
            "PerSourcePenalties", "PerSourcePenaltyExemptList", "PrintLastLog", "PrintMotd",
            "PubkeyAcceptedAlgorithms", "PubkeyAcceptedKeyTypes", "PubkeyAuthOptions", "RDomain",
            "RefuseConnection", "RequiredRSASize", "RevokedKeys", "SecurityKeyProvider", "SetEnv",
            "SshdAuthPath", "SshdSessionPath", "StreamLocalBindMask", "StreamLocalBindUnlink", "TCPKeepAlive",
            "TrustedUserCAKeys", "UnusedConnectionTimeout", "UseDNS", "UsePAM", "VersionAddendum",
            "X11DisplayOffset", "X11Forwarding", "X11UseLocalhost", "XAuthLocation")
            .map(Keywords::lowerCase).collect(Collectors.toUnmodifiableSet());

    private Keywords() {}

    /** The row for a keyword as written: sshd's keywords are case-insensitive. */
    static Optional<Keyword<?>> find(String keyword) {
        return Optional.ofNullable(BY_NAME.get(lowerCase(keyword)));
    }

    static boolean notSupported(String keyword) {
        return NOT_SUPPORTED.contains(lowerCase(keyword));
    }

    private static Keyword<List<String>> algorithms(String name, Algorithms family,
                                                    Function<Config, List<String>> effective) {
        return single(name, family.syntax(), family.defaults(), effective);
    }

    private static String lowerCase(String keyword) {
        return keyword.toLowerCase(Locale.ROOT);
    }
}
