// Specifies AllowUsers/DenyUsers/AllowGroups/DenyGroups and PermitRootLogin as sshd decides and logs them.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {
    private static final Account BOB = account("bob", 1000);
    private static final String LOCAL = "127.0.0.1";

    private static Account account(String name, int gid) {
        return new Account(name, 1000, gid, Path.of("/home/" + name), Path.of("/bin/sh"));
    }

    private static Client ip(String address) throws UnknownHostException {
        return Client.of(InetAddress.getByName(address));
    }

    private static AccessRules users(List<String> allow, List<String> deny) {
        return new AccessRules(allow, deny, List.of(), List.of());
    }

    private static AccessRules groups(List<String> allow, List<String> deny) {
        return new AccessRules(List.of(), List.of(), allow, deny);
    }

    /** Asserts the answer for user from client, and returns what the check logged. */
    private static String check(boolean expected, Account user, AccessRules rules, String client) throws Exception {
        try (LogCapture log = new LogCapture()) {
            assertEquals(expected, AccessPolicy.allowed(user, rules, ip(client)));
            return log.text();
        }
    }

    private static void assertRefused(String because, Account user, AccessRules rules, String client)
            throws Exception {
        String line = "User " + user.name() + " from " + client + " not allowed because " + because + "\r\n";
        String log = check(false, user, rules, client);
        assertTrue(log.contains(line), log);
    }

    private static void assertAllowed(Account user, AccessRules rules, String client) throws Exception {
        String log = check(true, user, rules, client);
        assertFalse(log.contains("not allowed"), log);
    }

    // Users

    @Test
    void noRulesAllowEveryone() throws Exception {
        assertAllowed(BOB, AccessRules.NONE, LOCAL);
    }

    @Test
    void aUserListedInDenyUsersIsRefused() throws Exception {
        assertRefused("listed in DenyUsers", BOB, users(List.of(), List.of("alice", "bob")), LOCAL);
        assertAllowed(BOB, users(List.of(), List.of("alice")), LOCAL);
    }

    @Test
    void aUserNotListedInAllowUsersIsRefused() throws Exception {
        assertRefused("not listed in AllowUsers", BOB, users(List.of("alice", "carol"), List.of()), LOCAL);
        assertAllowed(BOB, users(List.of("alice", "bob"), List.of()), LOCAL);
    }

    @Test
    void denyUsersIsCheckedBeforeAllowUsers() throws Exception {
        assertRefused("listed in DenyUsers", BOB, users(List.of("bob"), List.of("bob")), LOCAL);
    }

    @Test
    void userPatternsTakeWildcards() throws Exception {
        assertAllowed(BOB, users(List.of("b?b"), List.of()), LOCAL);
        assertAllowed(BOB, users(List.of("b*"), List.of()), LOCAL);
        assertRefused("not listed in AllowUsers", BOB, users(List.of("b?"), List.of()), LOCAL);
        assertRefused("listed in DenyUsers", BOB, users(List.of(), List.of("*")), LOCAL);
    }

    @Test
    void aUserPatternIsOnePatternNotAList() throws Exception {
        // sshd's match_pattern(): a comma is part of the pattern and '!' is no negation.
        assertRefused("not listed in AllowUsers", BOB, users(List.of("alice,bob"), List.of()), LOCAL);
        assertAllowed(BOB, users(List.of(), List.of("!alice")), LOCAL);
    }

    @Test
    void userAtAddressMatchesTheClientsAddress() throws Exception {
        AccessRules fromLocal = users(List.of("bob@127.0.0.1"), List.of());
        assertAllowed(BOB, fromLocal, LOCAL);
        assertRefused("not listed in AllowUsers", BOB, fromLocal, "192.0.2.7");
        assertRefused("not listed in AllowUsers", account("alice", 1000), fromLocal, LOCAL);
    }

    @Test
    void userAtAddressTakesWildcardsAndCidrBlocks() throws Exception {
        assertAllowed(BOB, users(List.of("bob@192.0.2.*"), List.of()), "192.0.2.7");
        assertAllowed(BOB, users(List.of("b*@10.0.0.0/8"), List.of()), "10.20.30.40");
        assertRefused("not listed in AllowUsers", BOB, users(List.of("bob@10.0.0.0/8"), List.of()), "11.0.0.1");
        assertRefused("listed in DenyUsers", BOB, users(List.of(), List.of("*@198.51.100.0/24")), "198.51.100.9");
    }

    @Test
    void userAtAddressMatchesIpv6AndLogsItAsInetNtop() throws Exception {
        assertAllowed(BOB, users(List.of("bob@2001:db8::/32"), List.of()), "2001:db8::1");
        String log = check(false, BOB, users(List.of(), List.of("bob@2001:db8::/32")), "2001:db8:0:0:0:0:0:1");
        assertTrue(log.contains("User bob from 2001:db8::1 not allowed because listed in DenyUsers\r\n"), log);
    }

    @Test
    void theAddressListMayNegate() throws Exception {
        AccessRules rules = users(List.of("bob@!10.1.0.0/16,10.0.0.0/8"), List.of());
        assertAllowed(BOB, rules, "10.2.0.1");
        assertRefused("not listed in AllowUsers", BOB, rules, "10.1.2.3");
    }

    @Test
    void theHostPartBeginsAtTheFirstAt() throws Exception {
        // "a@b@10.0.0.1" is user "a", address list "b@10.0.0.1", as sshd's strchr() splits it.
        assertRefused("not listed in AllowUsers", account("a", 1000),
                users(List.of("a@b@10.0.0.1"), List.of()), "10.0.0.1");
    }

    // Groups

    /** A name no account has: getgrouplist() gives it only the primary group, with no root needed. */
    private static Account inGroup(int gid) {
        return account("sftpd-nobody-" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffff, 36), gid);
    }

    @Test
    void aUserWhosePrimaryGroupIsInDenyGroupsIsRefused() throws Exception {
        assertRefused("a group is listed in DenyGroups", inGroup(0), groups(List.of(), List.of("root")), LOCAL);
        assertAllowed(inGroup(0), groups(List.of(), List.of("wheel")), LOCAL);
    }

    @Test
    void aUserInNoGroupOfAllowGroupsIsRefused() throws Exception {
        assertRefused("none of user's groups are listed in AllowGroups", inGroup(0),
                groups(List.of("wheel", "staff"), List.of()), LOCAL);
        assertAllowed(inGroup(0), groups(List.of("staff", "root"), List.of()), LOCAL);
    }

    @Test
    void groupPatternsTakeWildcardsButNoNegation() throws Exception {
        assertAllowed(inGroup(0), groups(List.of("r??t"), List.of()), LOCAL);
        assertRefused("a group is listed in DenyGroups", inGroup(0), groups(List.of(), List.of("ro*")), LOCAL);
        assertAllowed(inGroup(0), groups(List.of(), List.of("!wheel")), LOCAL);
    }

    @Test
    void denyGroupsIsCheckedBeforeAllowGroups() throws Exception {
        assertRefused("a group is listed in DenyGroups", inGroup(0), groups(List.of("root"), List.of("root")), LOCAL);
    }

    @Test
    void userRulesAreCheckedBeforeGroupRules() throws Exception {
        Account root = inGroup(0);
        AccessRules rules = new AccessRules(List.of(), List.of(root.name()), List.of(), List.of("root"));
        assertRefused("listed in DenyUsers", root, rules, LOCAL);
    }

    @Test
    void aUserWhoseGroupsHaveNoNamesIsRefusedByAnyGroupRule() throws Exception {
        Account unnamed = inGroup(2_000_000_123);
        assertRefused("not in any group", unnamed, groups(List.of(), List.of("wheel")), LOCAL);
        assertAllowed(unnamed, AccessRules.NONE, LOCAL);
    }

    @Test
    void supplementaryGroupsCount() throws Exception {
        Root.assume("creates a group and a user in it");
        try (SystemAccounts accounts = new SystemAccounts()) {
            String name = accounts.newAccount("apu", SystemAccounts.NOLOGIN, "apg").name();
            String group = accounts.group("apg");
            Account user = Account.lookup(name).orElseThrow();
            assertAllowed(user, groups(List.of(group), List.of()), LOCAL);
            assertRefused("a group is listed in DenyGroups", user, groups(List.of(), List.of(group)), LOCAL);
            assertRefused("a group is listed in DenyGroups", user, groups(List.of(name), List.of("sftpd-g-apg-*")),
                    LOCAL);
        }
    }

    // PermitRootLogin

    @ParameterizedTest(name = "{0} with {1}, forced command {2}: {3}")
    @CsvSource({
        "YES,                  password,             false, true",
        "YES,                  keyboard-interactive, false, true",
        "YES,                  publickey,            false, true",
        "PROHIBIT_PASSWORD,    publickey,            false, true",
        "PROHIBIT_PASSWORD,    password,             false, false",
        "PROHIBIT_PASSWORD,    keyboard-interactive, false, false",
        "FORCED_COMMANDS_ONLY, publickey,            true,  true",
        "FORCED_COMMANDS_ONLY, publickey,            false, false",
        "FORCED_COMMANDS_ONLY, password,             false, false",
        "FORCED_COMMANDS_ONLY, keyboard-interactive, false, false",
        "NO,                   publickey,            true,  false",
        "NO,                   publickey,            false, false",
        "NO,                   password,             false, false",
        "NO,                   keyboard-interactive, false, false",
    })
    void permitRootLogin(PermitRoot mode, String method, boolean forced, boolean permitted) throws Exception {
        try (LogCapture log = new LogCapture()) {
            assertEquals(permitted, AccessPolicy.rootLoginPermitted(mode, method, forced,
                    new InetSocketAddress(ip("192.0.2.7").address(), 50022)));
            assertEquals(!permitted, log.text().contains("ROOT LOGIN REFUSED FROM 192.0.2.7 port 50022\r\n"),
                    log.text());
        }
    }

    @Test
    void aForcedCommandRootLoginIsLogged() throws Exception {
        try (LogCapture log = new LogCapture()) {
            AccessPolicy.rootLoginPermitted(PermitRoot.FORCED_COMMANDS_ONLY, "publickey", true,
                    new InetSocketAddress(ip(LOCAL).address(), 22));
            assertTrue(log.text().contains("Root login accepted for forced command.\r\n"), log.text());
        }
    }
}
