// sshd's allowed_user() lists and auth_root_allowed(): who may log in at all, from where, and root by which method.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.sftp.PatternList;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * The refusals are logged at INFO in sshd's words: fail2ban's stock sshd filter and logwatch read them. A
 * USER@HOST pattern matches the client's {@link Client#host()} or its address.
 */
public final class AccessPolicy {
    private static final SshLog LOG = SshLog.get(AccessPolicy.class);
    private static final String PUBLICKEY = "publickey";
    /** getgrgid() returns a static buffer: one lookup at a time, the name copied out under the lock. */
    private static final Object GETGRGID = new Object();

    private AccessPolicy() {}

    /**
     * Whether the rules let the account log in from the client, checked in sshd's order after the shell
     * check ({@link AllowedUser}): DenyUsers, AllowUsers, DenyGroups, AllowGroups. The groups are the
     * account's primary and supplementary groups (getgrouplist), by name; they are looked up only when a
     * group rule exists, and an account with no named group is refused by any group rule.
     */
    public static boolean allowed(Account user, AccessRules rules, Client client) {
        Optional<String> because = refusal(user, rules, client);
        because.ifPresent(reason -> LOG.info("User %.100s from %.100s not allowed because %s", user.name(),
                client.host(), reason));
        return because.isEmpty();
    }

    private static Optional<String> refusal(Account user, AccessRules rules, Client client) {
        if (rules.denyUsers().stream().anyMatch(p -> userMatches(p, user.name(), client))) {
            return Optional.of("listed in DenyUsers");
        }
        if (!rules.allowUsers().isEmpty()
                && rules.allowUsers().stream().noneMatch(p -> userMatches(p, user.name(), client))) {
            return Optional.of("not listed in AllowUsers");
        }
        if (rules.denyGroups().isEmpty() && rules.allowGroups().isEmpty()) {
            return Optional.empty();
        }
        List<String> groups = groupNames(user);
        if (groups.isEmpty()) {
            return Optional.of("not in any group");
        }
        if (anyGroupMatches(groups, rules.denyGroups())) {
            return Optional.of("a group is listed in DenyGroups");
        }
        if (!rules.allowGroups().isEmpty() && !anyGroupMatches(groups, rules.allowGroups())) {
            return Optional.of("none of user's groups are listed in AllowGroups");
        }
        return Optional.empty();
    }

    /**
     * match_user(): "pattern" for the name, or "pattern@addresses" where the part after the first "@" is
     * matched as from="..." is. {@link AccessRules} admits only patterns whose address part is valid.
     */
    private static boolean userMatches(String pattern, String name, Client client) {
        int at = pattern.indexOf('@');
        if (at < 0) {
            return glob(name, pattern);
        }
        return glob(name, pattern.substring(0, at))
                && HostPatterns.match(client, pattern.substring(at + 1)) == HostPatterns.Match.YES;
    }

    /** ga_match(): one pattern per entry, no lists and no negation, as sshd's match_pattern(). */
    private static boolean anyGroupMatches(List<String> groups, List<String> patterns) {
        return groups.stream().anyMatch(group -> patterns.stream().anyMatch(p -> glob(group, p)));
    }

    /**
     * match_pattern() as a one-entry PatternList. A pattern starting with '!' reads as negated there and
     * never matches, where sshd would compare a literal '!': useradd and groupadd refuse such names.
     */
    private static boolean glob(String name, String pattern) {
        return new PatternList(List.of(pattern)).matches(name);
    }

    /**
     * ga_init(): the names of the account's groups; a gid without a name is skipped, as sshd skips it.
     * A failed getgrouplist gives none, so the account is refused (sshd's fatal() ends the connection):
     * a group DenyGroups names must not go unseen.
     */
    public static List<String> groupNames(Account user) {
        try {
            return IntStream.of(PrivilegeDrop.groupList(user.name(), user.gid())).mapToObj(AccessPolicy::groupName)
                    .flatMap(Optional::stream).toList();
        } catch (SysCallException e) {
            LOG.error("getgrouplist %.100s: %s", user.name(), e.getMessage());
            return List.of();
        }
    }

    private static Optional<String> groupName(int gid) {
        synchronized (GETGRGID) {
            return Optional.ofNullable(Native.POSIX.getgrgid(gid)).map(Group::getName);
        }
    }

    /**
     * PermitRootLogin for an account with uid 0 that has just authenticated with method ("publickey",
     * "password" or "keyboard-interactive"), as auth_root_allowed() decides it after authentication.
     * prohibit-password admits public keys only; forced-commands-only admits a public key whose
     * authorized_keys options force a command (forcedCommand). A refusal is logged in sshd's words.
     */
    public static boolean rootLoginPermitted(PermitRoot mode, String method, boolean forcedCommand,
                                             InetSocketAddress client) {
        boolean permitted = switch (mode) {
            case YES -> true;
            case PROHIBIT_PASSWORD -> method.equals(PUBLICKEY);
            case FORCED_COMMANDS_ONLY -> method.equals(PUBLICKEY) && forcedCommand;
            case NO -> false;
        };
        if (!permitted) {
            LOG.info("ROOT LOGIN REFUSED FROM %.200s port %d", Addresses.text(client.getAddress()),
                    client.getPort());
        } else if (mode == PermitRoot.FORCED_COMMANDS_ONLY) {
            LOG.info("Root login accepted for forced command.");
        }
        return permitted;
    }

    /** Loaded on the first group lookup only, as in {@link Account}: jnr's start-up is not free. */
    private static final class Native {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    }
}
