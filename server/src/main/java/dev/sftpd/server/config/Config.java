// The effective sftpd configuration: sshd_config's keywords as typed values, defaults filled in, ready to pass down.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.Keywords.AUTHORIZED_KEYS_FILE;
import static dev.sftpd.server.config.Keywords.CIPHERS;
import static dev.sftpd.server.config.Keywords.FORCE_COMMAND;
import static dev.sftpd.server.config.Keywords.HOST_KEY;
import static dev.sftpd.server.config.Keywords.HOST_KEY_ALGORITHMS;
import static dev.sftpd.server.config.Keywords.KEX_ALGORITHMS;
import static dev.sftpd.server.config.Keywords.LISTEN_ADDRESS;
import static dev.sftpd.server.config.Keywords.LOG_LEVEL;
import static dev.sftpd.server.config.Keywords.MACS;
import static dev.sftpd.server.config.Keywords.PID_FILE;
import static dev.sftpd.server.config.Keywords.PORT;
import static dev.sftpd.server.config.Keywords.PUBKEY_AUTHENTICATION;
import static dev.sftpd.server.config.Keywords.REKEY_LIMIT;
import static dev.sftpd.server.config.Keywords.STRICT_MODES;
import static dev.sftpd.server.config.Keywords.SUBSYSTEM;
import static dev.sftpd.server.config.Keywords.SYSLOG_FACILITY;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public record Config(List<Integer> ports, List<InetSocketAddress> listenAddresses, List<Path> hostKeys,
                     Optional<Path> pidFile, List<String> authorizedKeysFiles, boolean pubkeyAuthentication,
                     boolean strictModes, LogLevel logLevel, SyslogFacility syslogFacility, List<String> ciphers,
                     List<String> macs, List<String> kexAlgorithms, List<String> hostKeyAlgorithms,
                     RekeyLimit rekeyLimit, InternalSftp sftpSubsystem, Optional<InternalSftp> forceCommand) {

    static Config from(Settings s) {
        List<Integer> ports = s.get(PORT);
        return new Config(ports, withPorts(s.get(LISTEN_ADDRESS), ports), s.get(HOST_KEY), s.get(PID_FILE),
                s.get(AUTHORIZED_KEYS_FILE), s.get(PUBKEY_AUTHENTICATION), s.get(STRICT_MODES), s.get(LOG_LEVEL),
                s.get(SYSLOG_FACILITY), s.get(CIPHERS), s.get(MACS), s.get(KEX_ALGORITHMS),
                s.get(HOST_KEY_ALGORITHMS), s.get(REKEY_LIMIT), s.get(SUBSYSTEM), s.get(FORCE_COMMAND));
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

    /** One user's authorized_keys files: tokens expanded, relative paths taken from the home directory, as sshd. */
    public List<Path> authorizedKeysFiles(String user, int uid, Path home) {
        return authorizedKeysFiles.stream().map(file -> authorizedKeysFile(file, user, uid, home)).toList();
    }

    static Path authorizedKeysFile(String pattern, String user, int uid, Path home) {
        return home.resolve(PercentTokens.expand(pattern,
                Map.of('h', home.toString(), 'u', user, 'U', Integer.toString(uid))));
    }

    /** -T: the effective configuration, a "keyword value" line each, keywords in lower case, as sshd -T prints. */
    public String dump() {
        return Keywords.ALL.stream().flatMap(keyword -> keyword.dump(this)).map(line -> line + "\n")
                .collect(Collectors.joining());
    }
}
