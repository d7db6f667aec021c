// Whether a direct-tcpip channel may be opened: AllowTcpForwarding, DisableForwarding and PermitOpen, with the key's own limits.
package dev.sftpd.monitor;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration value type, so in monitor-shared.jar: transports parse the configuration too.
 * As sshd's server_request_direct_tcpip() and channel_connect_to_port(): local forwarding must be
 * allowed by the configuration and by the key, then the target must be one PermitOpen lists (the
 * administrator's) and one the key's permitopen= lists, if it has any. Targets are compared as
 * written, host names too (sshd's open_match() uses strcmp(), no lookup).
 *
 * @param local AllowTcpForwarding yes (all) or local, and DisableForwarding no
 * @param permitOpen PermitOpen's targets, or the single word "any" or "none"
 */
public record Forwarding(boolean local, List<String> permitOpen) {
    public static final String ANY = "any";
    public static final String NONE = "none";
    private static final Pattern TARGET = Pattern.compile("(?:\\[([^\\]]+)\\]|([^:/\\[]+))[:/](\\*|[0-9]{1,5})");

    public Forwarding {
        permitOpen = List.copyOf(permitOpen);
    }

    /** What AllowTcpForwarding says; "all" is read as yes, as sshd does. */
    public enum Allow {
        YES, LOCAL, REMOTE, NO;

        public boolean local() {
            return this == YES || this == LOCAL;
        }
    }

    /** What happens to one direct-tcpip request. */
    public enum Verdict {
        /** the engine connects as the user */
        OPEN,
        /** "refused local port forward": forwarding is off for this connection */
        NOT_FORWARDING,
        /** "but the request was denied": the target is not permitted */
        NOT_PERMITTED
    }

    /**
     * @param keyForwarding whether the key that logged in allows port forwarding (true for a password)
     * @param keyPermitOpen the key's permitopen= targets; empty when it has none
     */
    public Verdict judge(boolean keyForwarding, List<String> keyPermitOpen, String host, int port) {
        if (!local || !keyForwarding) {
            return Verdict.NOT_FORWARDING;
        }
        boolean admin = permitOpen.equals(List.of(ANY)) || permits(permitOpen, host, port);
        boolean user = keyPermitOpen.isEmpty() || permits(keyPermitOpen, host, port);
        return admin && user ? Verdict.OPEN : Verdict.NOT_PERMITTED;
    }

    private static boolean permits(List<String> targets, String host, int port) {
        return targets.stream().map(Forwarding::target).flatMap(Optional::stream).anyMatch(t -> t.matches(host, port));
    }

    /**
     * One permitted target, "*" for any host; port 0 for any port.
     */
    public record Target(String host, int port) {
        boolean matches(String requestedHost, int requestedPort) {
            return (port == 0 || port == requestedPort) && (host.equals("*") || host.equals(requestedHost));
        }
    }

    /**
     * hpdelim() and permitopen_port(): host:port, [v6addr]:port or host/port, the port a number
     * from 1 to 65535 or "*"; empty when the text is none of these ("none" among them).
     */
    public static Optional<Target> target(String spec) {
        Matcher m = TARGET.matcher(spec);
        if (!m.matches()) {
            return Optional.empty();
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        if (m.group(3).equals("*")) {
            return Optional.of(new Target(host, 0));
        }
        int port = Integer.parseInt(m.group(3));
        return port >= 1 && port <= 65535 ? Optional.of(new Target(host, port)) : Optional.empty();
    }
}
