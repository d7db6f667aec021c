// HELLO's settings, both ends: what the SSH transport takes from the daemon's configuration, encoded and decoded side by side (PROTOCOL.monitor).
package dev.sftpd.privsep;

import dev.sftpd.log.LogLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The monitor sends these fields, not its configuration: parsing a -T dump took a fresh
 * transport 26 ms of its 155 ms start (its first parse: the keyword table's classes and
 * patterns, interpreted), and the configuration parser is code the confined process need not
 * hold. An algorithm or method list goes as an SSH name-list (comma-separated, as in KEXINIT).
 *
 * @param logLevel LogLevel: what the transport sends the monitor to log
 * @param rekeyBytes 0 for the cipher's default
 * @param rekeyTime empty for no time-based rekeying
 * @param methods the authentication methods offered, in sshd's order
 * @param authenticationMethods AuthenticationMethods lists; empty means any single method
 * @param maxSessions MaxSessions: channels open at once
 * @param loginGraceTime zero for none
 * @param clientAliveInterval zero for no keepalive requests
 * @param versionAddendum appended to the identification line after a space, if present
 */
public record TransportSettings(LogLevel logLevel, List<String> ciphers, List<String> macs,
                                List<String> kexAlgorithms, List<String> hostKeyAlgorithms, long rekeyBytes,
                                Optional<Duration> rekeyTime, List<String> methods,
                                List<List<String>> authenticationMethods, int maxAuthTries, int maxSessions,
                                Duration loginGraceTime, Duration clientAliveInterval, int clientAliveCountMax,
                                Optional<String> versionAddendum) {
    public TransportSettings {
        ciphers = List.copyOf(ciphers);
        macs = List.copyOf(macs);
        kexAlgorithms = List.copyOf(kexAlgorithms);
        hostKeyAlgorithms = List.copyOf(hostKeyAlgorithms);
        methods = List.copyOf(methods);
        authenticationMethods = authenticationMethods.stream().map(List::copyOf).toList();
    }

    /** Puts the fields in HELLO's order. */
    void encode(Buffer b) {
        b.putString(logLevel.name());
        for (List<String> names : List.of(ciphers, macs, kexAlgorithms, hostKeyAlgorithms)) {
            b.putString(String.join(",", names));
        }
        b.putLong(rekeyBytes);
        b.putLong(rekeyTime.map(Duration::getSeconds).orElse(-1L));
        b.putString(String.join(",", methods));
        b.putInt(authenticationMethods.size());
        authenticationMethods.forEach(list -> b.putString(String.join(",", list)));
        b.putInt(maxAuthTries);
        b.putInt(maxSessions);
        b.putLong(loginGraceTime.getSeconds());
        b.putLong(clientAliveInterval.getSeconds());
        b.putInt(clientAliveCountMax);
        b.putBoolean(versionAddendum.isPresent());
        b.putString(versionAddendum.orElse(""));
    }

    /**
     * The fields encode put, checked as any message's are: an unknown log level, a negative
     * count or time, or a list too long for a monitor packet is a violation.
     */
    static TransportSettings decode(Buffer p) {
        String level = Packets.text(p);
        LogLevel logLevel = LogLevel.parse(level).orElseThrow(() -> new IllegalArgumentException("log level " + level));
        List<String> ciphers = names(p);
        List<String> macs = names(p);
        List<String> kex = names(p);
        List<String> hostKeys = names(p);
        long rekeyBytes = atLeast(p.getLong(), 0, "rekey bytes");
        long rekeySeconds = atLeast(p.getLong(), -1, "rekey seconds");
        List<String> methods = names(p);
        int lists = (int) atLeast(p.getInt(), 0, "AuthenticationMethods lists");
        List<List<String>> authenticationMethods = new ArrayList<>();
        for (int i = 0; i < lists; i++) {
            authenticationMethods.add(names(p));
        }
        int maxAuthTries = (int) atLeast(p.getInt(), 0, "MaxAuthTries");
        int maxSessions = (int) atLeast(p.getInt(), 0, "MaxSessions");
        Duration grace = Duration.ofSeconds(atLeast(p.getLong(), 0, "LoginGraceTime"));
        Duration alive = Duration.ofSeconds(atLeast(p.getLong(), 0, "ClientAliveInterval"));
        int aliveMax = (int) atLeast(p.getInt(), 0, "ClientAliveCountMax");
        boolean addendum = p.getBoolean();
        String text = Packets.text(p);
        return new TransportSettings(logLevel, ciphers, macs, kex, hostKeys, rekeyBytes,
                rekeySeconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(rekeySeconds)), methods,
                authenticationMethods, maxAuthTries, maxSessions, grace, alive, aliveMax,
                addendum ? Optional.of(text) : Optional.empty());
    }

    /** An SSH name-list: "" is the empty list. */
    private static List<String> names(Buffer p) {
        String list = Packets.text(p);
        return list.isEmpty() ? List.of() : Arrays.asList(list.split(",", -1));
    }

    private static long atLeast(long value, long least, String what) {
        if (value < least) {
            throw new IllegalArgumentException(what + " " + value);
        }
        return value;
    }
}
