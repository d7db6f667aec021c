// AllowUsers, DenyUsers, AllowGroups and DenyGroups as sshd_config collects them: the patterns AccessPolicy checks.
package dev.sftpd.monitor.auth;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Each list as its lines gave it, every line adding to it; an empty allow list allows everyone. User entries
 * are a pattern for the user name, optionally "@" and a list of address patterns or CIDR blocks for the
 * client; group entries are a pattern for a group name.
 */
public record AccessRules(List<String> allowUsers, List<String> denyUsers, List<String> allowGroups,
                          List<String> denyGroups) {
    public static final AccessRules NONE = new AccessRules(List.of(), List.of(), List.of(), List.of());

    /** @throws IllegalArgumentException for a pattern sshd would refuse to start with */
    public AccessRules {
        allowUsers = List.copyOf(allowUsers);
        denyUsers = List.copyOf(denyUsers);
        allowGroups = List.copyOf(allowGroups);
        denyGroups = List.copyOf(denyGroups);
        Stream.concat(allowUsers.stream(), denyUsers.stream()).filter(p -> !validUserPattern(p)).findFirst()
                .ifPresent(p -> {
                    throw new IllegalArgumentException("invalid user pattern \"" + p + "\"");
                });
        if (Stream.concat(allowGroups.stream(), denyGroups.stream()).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("empty group pattern");
        }
    }

    /**
     * sshd's match_user() in test mode: non-empty, and the address list after the first "@" holds no empty
     * entry and no network with host bits set (10.0.0.1/8), which sshd refuses at start-up rather than
     * fail every login later. Negations are dropped for the check so that none can end the scan early.
     */
    public static boolean validUserPattern(String pattern) {
        int at = pattern.indexOf('@');
        if (at < 0) {
            return !pattern.isEmpty();
        }
        String addresses = Stream.of(pattern.substring(at + 1).split(",", -1))
                .map(entry -> entry.startsWith("!") ? entry.substring(1) : entry)
                .collect(Collectors.joining(","));
        return HostPatterns.match(Client.of(InetAddress.getLoopbackAddress()), addresses) != HostPatterns.Match.INVALID;
    }
}
