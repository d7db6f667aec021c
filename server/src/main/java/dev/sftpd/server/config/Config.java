// The effective sftpd configuration: sshd_config's keywords as typed values, defaults filled in, ready to pass down.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.Keywords.ALLOW_GROUPS;
import static dev.sftpd.server.config.Keywords.ALLOW_USERS;
import static dev.sftpd.server.config.Keywords.AUTHENTICATION_METHODS;
import static dev.sftpd.server.config.Keywords.AUTHORIZED_KEYS_FILE;
import static dev.sftpd.server.config.Keywords.AUTHORIZED_PRINCIPALS_FILE;
import static dev.sftpd.server.config.Keywords.CIPHERS;
import static dev.sftpd.server.config.Keywords.CONTROL_SOCKET;
import static dev.sftpd.server.config.Keywords.DENY_GROUPS;
import static dev.sftpd.server.config.Keywords.DENY_USERS;
import static dev.sftpd.server.config.Keywords.ENGINE_POOL_SIZE;
import static dev.sftpd.server.config.Keywords.FORCE_COMMAND;
import static dev.sftpd.server.config.Keywords.HOST_KEY;
import static dev.sftpd.server.config.Keywords.HOST_KEY_ALGORITHMS;
import static dev.sftpd.server.config.Keywords.KBD_INTERACTIVE_AUTHENTICATION;
import static dev.sftpd.server.config.Keywords.KEX_ALGORITHMS;
import static dev.sftpd.server.config.Keywords.LISTEN_ADDRESS;
import static dev.sftpd.server.config.Keywords.LOGIN_GRACE_TIME;
import static dev.sftpd.server.config.Keywords.LOG_LEVEL;
import static dev.sftpd.server.config.Keywords.MACS;
import static dev.sftpd.server.config.Keywords.MAX_AUTH_TRIES;
import static dev.sftpd.server.config.Keywords.MAX_SESSIONS;
import static dev.sftpd.server.config.Keywords.MAX_STARTUPS;
import static dev.sftpd.server.config.Keywords.PASSWORD_AUTHENTICATION;
import static dev.sftpd.server.config.Keywords.PERMIT_EMPTY_PASSWORDS;
import static dev.sftpd.server.config.Keywords.PERMIT_ROOT_LOGIN;
import static dev.sftpd.server.config.Keywords.PER_SOURCE_MAX_STARTUPS;
import static dev.sftpd.server.config.Keywords.PER_SOURCE_NET_BLOCK_SIZE;
import static dev.sftpd.server.config.Keywords.PER_SOURCE_PENALTIES;
import static dev.sftpd.server.config.Keywords.PER_SOURCE_PENALTY_EXEMPT_LIST;
import static dev.sftpd.server.config.Keywords.METRICS_LISTEN_ADDRESS;
import static dev.sftpd.server.config.Keywords.PID_FILE;
import static dev.sftpd.server.config.Keywords.PORT;
import static dev.sftpd.server.config.Keywords.PUBKEY_AUTHENTICATION;
import static dev.sftpd.server.config.Keywords.REKEY_LIMIT;
import static dev.sftpd.server.config.Keywords.STRICT_MODES;
import static dev.sftpd.server.config.Keywords.SUBSYSTEM;
import static dev.sftpd.server.config.Keywords.SYSLOG_FACILITY;
import static dev.sftpd.server.config.Keywords.TRANSPORT_POOL_SIZE;
import static dev.sftpd.server.config.Keywords.TRUSTED_USER_CA_KEYS;
import static dev.sftpd.server.config.Keywords.USE_PAM;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.Forwarding;
import dev.sftpd.monitor.auth.AccessRules;
import dev.sftpd.monitor.auth.PermitRoot;
import dev.sftpd.privsep.TransportSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What sftpd runs with, as {@link ConfigParser} reads it; {@link #dump()} prints it as {@code sshd -T} does.
 *
 * @param ports the Port lines (or -p): where ListenAddress lines without a port listen
 * @param listenAddresses every address and port to listen on (default: 0.0.0.0 and :: on every port)
 * @param hostKeys private key files, in the order given
 * @param pidFile empty for "PidFile none"
 * @param authorizedKeysFiles patterns with %h %u %U %%, empty for "none"; see
 *     {@link #authorizedKeysFiles(String, int, Path)}
 * @param ciphers the effective names, in preference order; so are macs, kexAlgorithms and hostKeyAlgorithms
 * @param sftpSubsystem what "subsystem sftp" runs: always internal-sftp, with the Subsystem line's flags
 * @param forceCommand ForceCommand internal-sftp, if set: every session is sftp with these flags
 * @param usePam whether passwords and keyboard-interactive go through PAM (service "sftpd") rather than shadow
 * @param authenticationMethods the lists of methods of which a login must complete one list, each method
 *     in order ("publickey", "password", "keyboard-interactive" or "keyboard-interactive:pam"); empty for
 *     "any": one method of those enabled suffices
 * @param maxAuthTries failed attempts after which the connection is closed
 * @param maxSessions sftp sessions (engines) one connection may have open at once
 * @param loginGraceTime how long a connection may take to authenticate; zero for no limit
 * @param accessRules AllowUsers, DenyUsers, AllowGroups and DenyGroups, every line of each
 * @param trustedUserCaKeys the file of CA keys whose user certificates are accepted, a pattern with %h %u
 *     %U %% (an sftpd extension); empty for "none"; see {@link #trustedUserCaKeys(String, int, Path)}
 * @param authorizedPrincipalsFile a pattern as for authorizedKeysFiles, empty for "none"; see
 *     {@link #authorizedPrincipalsFile(String, int, Path)}
 * @param maxStartups when unauthenticated connections start being refused, and how steeply
 * @param perSourceMaxStartups unauthenticated connections allowed from one source (one perSourceNetBlockSize
 *     block); empty for "none", no limit
 * @param perSourceNetBlockSize the prefix lengths that group client addresses into sources
 * @param perSourcePenalties what a connection that ends before authenticating costs its source, and when a
 *     source is refused for it
 * @param perSourcePenaltyExemptList addresses never penalised (an address list as for Match Address); empty for none
 * @param metricsListenAddress where the monitor serves Prometheus metrics over HTTP; empty for nowhere
 * @param transportPoolSize transport processes kept started, waiting for a connection, and how many after a burst
 * @param enginePoolSize SFTP engine processes kept started, waiting for a session, and how many after a burst
 * @param controlSocket where the daemon listens for control requests (PROTOCOL.control); empty for "none"
 * @param auditLog the JSON audit log the monitor writes; empty for "none" (the default)
 * @param chrootDirectory ChrootDirectory, a pattern with %h %u %U %%; empty for none; see
 *     {@link #chrootDirectory(String, int, Path)}
 * @param clientAliveInterval how long a silent client waits for a keepalive@openssh.com request; zero for never
 * @param clientAliveCountMax unanswered keepalive requests after which the connection ends
 * @param tcpKeepAlive SO_KEEPALIVE on client connections
 * @param banner the file whose text is sent before authentication (SSH_MSG_USERAUTH_BANNER); empty for none
 * @param useDns the monitor looks the client's name up and checks it maps back (sshd's remote_hostname())
 * @param versionAddendum text after the software version in the identification line; empty for none
 * @param allowTcpForwarding AllowTcpForwarding: whether direct-tcpip (local) forwarding may be asked for; remote
 *     forwarding is always refused
 * @param disableForwarding DisableForwarding: no forwarding at all, whatever AllowTcpForwarding says
 * @param permitOpen PermitOpen's targets, or "any" or "none"
 * @param proxyProtocol the load balancers whose connections begin with a PROXY header naming the client
 * @param noEffect what the keywords of {@link Keywords#NO_EFFECT} (X11Forwarding, PrintMotd, AcceptEnv...)
 *     say, by keyword as written in sshd_config(5): for -T, and for the start-up note that they do nothing here
 */
public record Config(List<Integer> ports, List<InetSocketAddress> listenAddresses, List<Path> hostKeys,
                     Optional<Path> pidFile, List<String> authorizedKeysFiles, boolean pubkeyAuthentication,
                     boolean strictModes, LogLevel logLevel, SyslogFacility syslogFacility, List<String> ciphers,
                     List<String> macs, List<String> kexAlgorithms, List<String> hostKeyAlgorithms,
                     RekeyLimit rekeyLimit, InternalSftp sftpSubsystem, Optional<InternalSftp> forceCommand,
                     boolean usePam, boolean passwordAuthentication, boolean kbdInteractiveAuthentication,
                     boolean permitEmptyPasswords, PermitRoot permitRootLogin,
                     List<List<String>> authenticationMethods, int maxAuthTries, int maxSessions,
                     Duration loginGraceTime,
                     AccessRules accessRules, Optional<String> trustedUserCaKeys,
                     Optional<String> authorizedPrincipalsFile, MaxStartups maxStartups,
                     OptionalInt perSourceMaxStartups, NetBlockSize perSourceNetBlockSize,
                     PerSourcePenalties perSourcePenalties, Optional<String> perSourcePenaltyExemptList,
                     Optional<InetSocketAddress> metricsListenAddress, PoolSize transportPoolSize,
                     PoolSize enginePoolSize, Optional<String> chrootDirectory, Duration clientAliveInterval,
                     int clientAliveCountMax, boolean tcpKeepAlive, boolean useDns, Optional<String> versionAddendum,
                     Optional<Path> banner, Optional<Path> controlSocket, Optional<Path> auditLog,
                     Forwarding.Allow allowTcpForwarding, boolean disableForwarding, List<String> permitOpen,
                     ProxySources proxyProtocol,
                     Map<String, List<String>> noEffect) {

    /** @throws ConfigException when AuthenticationMethods needs a method that is turned off */
    static Config from(Settings s) throws ConfigException {
        List<Integer> ports = s.get(PORT);
        AccessRules access = new AccessRules(s.get(ALLOW_USERS), s.get(DENY_USERS), s.get(ALLOW_GROUPS),
                s.get(DENY_GROUPS));
        Config config = new Config(ports, withPorts(s.get(LISTEN_ADDRESS), ports), s.get(HOST_KEY), s.get(PID_FILE),
                s.get(AUTHORIZED_KEYS_FILE), s.get(PUBKEY_AUTHENTICATION), s.get(STRICT_MODES), s.get(LOG_LEVEL),
                s.get(SYSLOG_FACILITY), s.get(CIPHERS), s.get(MACS), s.get(KEX_ALGORITHMS),
                s.get(HOST_KEY_ALGORITHMS), s.get(REKEY_LIMIT), s.get(SUBSYSTEM), s.get(FORCE_COMMAND),
                s.get(USE_PAM), s.get(PASSWORD_AUTHENTICATION), s.get(KBD_INTERACTIVE_AUTHENTICATION),
                s.get(PERMIT_EMPTY_PASSWORDS), s.get(PERMIT_ROOT_LOGIN), s.get(AUTHENTICATION_METHODS),
                s.get(MAX_AUTH_TRIES), s.get(MAX_SESSIONS), s.get(LOGIN_GRACE_TIME), access, s.get(TRUSTED_USER_CA_KEYS),
                s.get(AUTHORIZED_PRINCIPALS_FILE), s.get(MAX_STARTUPS), s.get(PER_SOURCE_MAX_STARTUPS),
                s.get(PER_SOURCE_NET_BLOCK_SIZE), s.get(PER_SOURCE_PENALTIES).resolve(),
                s.get(PER_SOURCE_PENALTY_EXEMPT_LIST), s.get(METRICS_LISTEN_ADDRESS),
                s.get(TRANSPORT_POOL_SIZE).within(s.get(MAX_STARTUPS)), s.get(ENGINE_POOL_SIZE).within(s.get(MAX_STARTUPS)),
                s.get(Keywords.CHROOT_DIRECTORY), s.get(Keywords.CLIENT_ALIVE_INTERVAL),
                s.get(Keywords.CLIENT_ALIVE_COUNT_MAX), s.get(Keywords.TCP_KEEP_ALIVE), s.get(Keywords.USE_DNS),
                s.get(Keywords.VERSION_ADDENDUM), s.get(Keywords.BANNER),
                s.get(CONTROL_SOCKET), s.get(Keywords.AUDIT_LOG), s.get(Keywords.ALLOW_TCP_FORWARDING),
                s.get(Keywords.DISABLE_FORWARDING), s.get(Keywords.PERMIT_OPEN), s.get(Keywords.PROXY_PROTOCOL),
                Keywords.NO_EFFECT.stream().collect(Collectors.toUnmodifiableMap(Keyword::name, s::get)));
        if (!config.authenticationMethods.isEmpty()
                && config.authenticationMethods.stream().noneMatch(config::allEnabled)) {
            // sshd's words; it checks this once the whole configuration is read, so there is no line to name.
            throw new ConfigException("AuthenticationMethods cannot be satisfied by enabled authentication methods");
        }
        return config;
    }

    /** Whether every method of an AuthenticationMethods list is turned on by its own keyword. */
    private boolean allEnabled(List<String> methods) {
        return methods.stream().allMatch(method -> switch (method) {
            case "publickey" -> pubkeyAuthentication;
            case "password" -> passwordAuthentication;
            default -> kbdInteractiveAuthentication;
        });
    }

    /** A ListenAddress without a port listens on every Port, as sshd's add_listen_addr(). */
    private static List<InetSocketAddress> withPorts(List<InetSocketAddress> addresses, List<Integer> ports) {
        return addresses.stream().flatMap(a -> a.getPort() != 0 ? Stream.of(a)
                : ports.stream().map(port -> new InetSocketAddress(a.getAddress(), port))).toList();
    }

    /**
     * Whether the host keys are the built-in ones, /etc/sftpd/ssh_host_{ed25519,rsa}_key, which the daemon
     * creates when missing. Judged by the paths rather than by the absence of HostKey lines, so that the -T
     * output (which spells the defaults out) reads back as the same configuration.
     */
    public boolean hostKeysDefaulted() {
        return hostKeys.equals(HOST_KEY.defaultValue());
    }

    /** What direct-tcpip requests meet: AllowTcpForwarding and DisableForwarding, then PermitOpen. */
    public Forwarding forwarding() {
        return new Forwarding(allowTcpForwarding.local() && !disableForwarding, permitOpen);
    }

    /** One user's authorized_keys files: tokens expanded, relative paths taken from the home directory, as sshd. */
    public List<Path> authorizedKeysFiles(String user, int uid, Path home) {
        return authorizedKeysFiles.stream().map(file -> userFile(file, user, uid, home)).toList();
    }

    /** One user's AuthorizedPrincipalsFile, expanded as {@link #authorizedKeysFiles(String, int, Path)}. */
    public Optional<Path> authorizedPrincipalsFile(String user, int uid, Path home) {
        return authorizedPrincipalsFile.map(file -> userFile(file, user, uid, home));
    }

    /** sshd's expand_authorized_keys(): %h %u %U %% expanded, then a relative path taken from home. */
    static Path userFile(String pattern, String user, int uid, Path home) {
        return home.resolve(PercentTokens.expand(pattern, tokens(user, uid, home)));
    }

    /** One user's TrustedUserCAKeys, tokens expanded (no home-relative path: a plain one was made absolute). */
    public Optional<Path> trustedUserCaKeys(String user, int uid, Path home) {
        return trustedUserCaKeys.map(file -> Path.of(PercentTokens.expand(file, tokens(user, uid, home))));
    }

    /** One user's ChrootDirectory, tokens expanded (absolute: the line must begin at root or with %h). */
    public Optional<Path> chrootDirectory(String user, int uid, Path home) {
        return chrootDirectory.map(dir -> Path.of(PercentTokens.expand(dir, tokens(user, uid, home))));
    }

    /**
     * Whether TrustedUserCAKeys names a file in the user's home directory (%h), which the user
     * writes: the monitor then opens it as the user, as it opens authorized_keys.
     */
    public boolean trustedUserCaKeysInHome() {
        return trustedUserCaKeys.filter(file -> PercentTokens.uses(file, 'h')).isPresent();
    }

    private static Map<Character, String> tokens(String user, int uid, Path home) {
        return Map.of('h', home.toString(), 'u', user, 'U', Integer.toString(uid));
    }

    /**
     * What the daemon logs at VERBOSE on start about lines that do not do here what they do for
     * sshd: an external sftp-server (served by sftpd's engine), and each keyword of a shell or pty
     * server set to something other than its default, since none of them does anything.
     */
    public List<String> startupNotes() {
        Stream<String> programs = Stream.concat(Stream.of(sftpSubsystem), forceCommand.stream())
                .filter(InternalSftp::external).distinct()
                .map(s -> s.program() + ": served by sftpd's own SFTP engine, as internal-sftp");
        Stream<String> unused = Keywords.NO_EFFECT.stream()
                .filter(k -> !noEffect.get(k.name()).equals(k.defaultValue()))
                .map(k -> k.name() + " " + Directive.join(noEffect.get(k.name()))
                        + ": no effect, sftpd serves SFTP only (no shell, pty, X11 or environment)");
        return Stream.concat(programs, unused).toList();
    }

    /** -T: the effective configuration, a "keyword value" line each, keywords in lower case, as sshd -T prints. */
    public String dump() {
        return Keywords.ALL.stream().flatMap(keyword -> keyword.dump(this)).map(line -> line + "\n")
                .collect(Collectors.joining());
    }

    /** AuthenticationMethods with the ":pam" device dropped: keyboard-interactive has no other. */
    public List<List<String>> authenticationMethodNames() {
        return authenticationMethods.stream()
                .map(list -> list.stream().map(m -> m.replaceFirst(":pam$", "")).toList()).toList();
    }

    /** What a transport started with this configuration is told in HELLO. */
    public TransportSettings transportSettings() {
        List<String> methods = new ArrayList<>();
        if (pubkeyAuthentication()) {
            methods.add("publickey");
        }
        if (passwordAuthentication()) {
            methods.add("password");
        }
        if (kbdInteractiveAuthentication() && usePam()) {
            methods.add("keyboard-interactive");
        }
        return new TransportSettings(logLevel(), ciphers(), macs(), kexAlgorithms(), hostKeyAlgorithms(),
                rekeyLimit().bytes().orElse(0), rekeyLimit().interval(), methods, authenticationMethodNames(),
                maxAuthTries(), maxSessions(), loginGraceTime(), clientAliveInterval(), clientAliveCountMax(),
                versionAddendum());
    }
}
