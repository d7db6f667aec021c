// A Match line's criteria, judged as sshd's match_cfg_line() judges them against a connection.
package dev.sftpd.server.config;

import dev.sftpd.monitor.auth.HostPatterns;
import dev.sftpd.sftp.PatternList;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "all", or one or more attribute and pattern-list pairs, every one of which must match: User,
 * Group, Host, Address, LocalAddress, LocalPort, RDomain. Lists take OpenSSH's '*' '?' wildcards
 * and '!' negation; Address and LocalAddress take CIDR blocks too.
 */
final class MatchCriteria {
    enum Attribute {
        USER("User"), GROUP("Group"), HOST("Host"), ADDRESS("Address"), LOCAL_ADDRESS("LocalAddress"),
        LOCAL_PORT("LocalPort"), RDOMAIN("RDomain");

        final String name;

        Attribute(String name) {
            this.name = name;
        }

        static Optional<Attribute> named(String text) {
            for (Attribute a : values()) {
                if (a.name.equalsIgnoreCase(text)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    private record Criterion(Attribute attribute, String patterns) {}

    /** Empty for "Match all". */
    private final List<Criterion> criteria;

    private MatchCriteria(List<Criterion> criteria) {
        this.criteria = List.copyOf(criteria);
    }

    /** The Match line's arguments; errors in sshd's words, with the file and line. */
    static MatchCriteria parse(Directive d) throws ConfigException {
        List<String> args = d.arguments();
        if (args.isEmpty()) {
            throw d.error("One or more attributes required for Match");
        }
        if (args.get(0).equalsIgnoreCase("all")) {
            if (args.size() > 1) {
                throw d.error("'all' cannot be combined with other Match attributes");
            }
            return new MatchCriteria(List.of());
        }
        List<Criterion> criteria = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (name.equalsIgnoreCase("all")) {
                throw d.error("'all' cannot be combined with other Match attributes");
            }
            Attribute attribute = Attribute.named(name)
                    .orElseThrow(() -> d.error("Unsupported Match attribute " + name));
            if (i + 1 == args.size() || args.get(i + 1).isEmpty()) {
                throw d.error("Missing Match criteria for " + name);
            }
            String patterns = args.get(i + 1);
            check(d, attribute, patterns);
            criteria.add(new Criterion(attribute, patterns));
        }
        return new MatchCriteria(criteria);
    }

    /** Lists sshd would refuse when it first meets them are refused at start, with the line. */
    private static void check(Directive d, Attribute attribute, String patterns) throws ConfigException {
        switch (attribute) {
            case ADDRESS, LOCAL_ADDRESS -> {
                if (HostPatterns.addressList(InetAddress.getLoopbackAddress(), patterns)
                        == HostPatterns.Match.INVALID) {
                    throw d.error("Invalid Match " + attribute.name + " list \"" + patterns + "\"");
                }
            }
            case LOCAL_PORT -> port(d, patterns);
            default -> {
                // Any text is a pattern list.
            }
        }
    }

    private static int port(Directive d, String text) throws ConfigException {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw d.error("Invalid LocalPort '" + text + "' on Match line");
    }

    /** Whether every criterion matches; one on a field the connection does not know does not. */
    boolean matches(ConnectionSpec c) {
        for (Criterion criterion : criteria) {
            String p = criterion.patterns();
            boolean match = switch (criterion.attribute()) {
                case USER -> c.user().filter(user -> PatternList.parse(p).matches(user)).isPresent();
                case GROUP -> c.user().isPresent() && anyGroup(c.groups(), p);
                case HOST -> c.host().filter(host -> HostPatterns.hostList(host.toLowerCase(Locale.ROOT), p))
                        .isPresent();
                case ADDRESS -> c.address().filter(a -> HostPatterns.addressList(a, p) == HostPatterns.Match.YES)
                        .isPresent();
                case LOCAL_ADDRESS -> c.localAddress()
                        .filter(a -> HostPatterns.addressList(a, p) == HostPatterns.Match.YES).isPresent();
                case LOCAL_PORT -> c.localPort().isPresent() && c.localPort().getAsInt() == Integer.parseInt(p);
                case RDOMAIN -> c.rdomain().filter(r -> PatternList.parse(p).matches(r)).isPresent();
            };
            if (!match) {
                return false;
            }
        }
        return true;
    }

    /** ga_match_pattern_list(): some group matches the list, and no group is refused by a negated entry. */
    private static boolean anyGroup(List<String> groups, String patterns) {
        boolean found = false;
        for (String group : groups) {
            for (String entry : patterns.split(",", -1)) {
                boolean negated = entry.startsWith("!");
                if (new PatternList(List.of(negated ? entry.substring(1) : entry)).matches(group)) {
                    if (negated) {
                        return false;
                    }
                    found = true;
                }
            }
        }
        return found;
    }
}
