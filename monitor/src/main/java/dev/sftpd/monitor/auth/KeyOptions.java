// The options of one authorized_keys line, as OpenSSH's struct sshauthopt records them.
package dev.sftpd.monitor.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Flags are stored the way the session code asks (noPty: "refuse a pty"), after applying
 * restrict and any re-enabling flags in line order. {@code from} holds the comma-separated
 * patterns of from="..." (empty: any host); {@code environment} holds NAME=value strings,
 * first definition of a name wins; {@code tunnel} is "any" or a device number.
 */
public record KeyOptions(boolean restrict, Optional<String> command, List<String> from,
                         boolean noPortForwarding, boolean noPty, boolean noX11Forwarding,
                         boolean noAgentForwarding, boolean noUserRc, boolean certAuthority,
                         Optional<String> principals, List<String> environment, List<String> permitOpen,
                         List<String> permitListen, Optional<String> tunnel, Optional<Instant> expiryTime,
                         boolean noTouchRequired, boolean verifyRequired) {
    public KeyOptions {
        from = List.copyOf(from);
        environment = List.copyOf(environment);
        permitOpen = List.copyOf(permitOpen);
        permitListen = List.copyOf(permitListen);
    }

    /** Parses the options at the start of {@code line} (sshauthopt_parse()); the message names the fault. */
    static KeyOptions parse(String line) throws IllegalArgumentException {
        return new KeyOptionParser(line).parse();
    }
}
