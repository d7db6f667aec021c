// AllowUsers, DenyUsers, AllowGroups and DenyGroups, with wildcards and user@address patterns, in sshd's order.
package dev.sftpd.server.auth;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Account names carry their role ("sftpd-a-deny-x1y2z3"), so one configuration written with patterns
 * covers every case. Everyone logs in with an authorized key, which the policy overrides.
 */
class AccessPolicyIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withDaemon(
            "DenyUsers sftpd-a-deny-* sftpd-a-denyhere-*@127.0.0.1",
            "AllowUsers sftpd-a-ok-* sftpd-a-here-*@127.0.0.1 sftpd-a-away-*@10.0.0.0/8 sftpd-a-deny-*"
                    + " sftpd-a-denyhere-* sftpd-a-dgroup-* sftpd-a-nogroup-*",
            "DenyGroups sftpd-g-denied-*",
            "AllowGroups sftpd-g-allowed-*");
    private static String allowedGroup;
    private static String deniedGroup;

    @BeforeAll
    static void makeGroups() {
        allowedGroup = sftpd.accounts().group("allowed");
        deniedGroup = sftpd.accounts().group("denied");
    }

    @Test
    void aUserInAllowUsersAndInAnAllowedGroupLogsIn() {
        assertLogsIn(keyedUser("ok", allowedGroup));
    }

    @Test
    void aUserAllowedFromTheClientsAddressLogsIn() {
        assertLogsIn(keyedUser("here", allowedGroup));
    }

    @Test
    void aUserMissingFromAllowUsersIsRefused() {
        assertRefused(keyedUser("other", allowedGroup), "not listed in AllowUsers");
    }

    @Test
    void aUserAllowedOnlyFromAnotherNetworkIsRefused() {
        assertRefused(keyedUser("away", allowedGroup), "not listed in AllowUsers");
    }

    @Test
    void denyUsersOverridesAllowUsers() {
        assertRefused(keyedUser("deny", allowedGroup), "listed in DenyUsers");
    }

    @Test
    void aUserDeniedFromTheClientsAddressIsRefused() {
        assertRefused(keyedUser("denyhere", allowedGroup), "listed in DenyUsers");
    }

    @Test
    void aMemberOfADeniedGroupIsRefusedEvenInAnAllowedOne() {
        assertRefused(keyedUser("dgroup", allowedGroup, deniedGroup), "a group is listed in DenyGroups");
    }

    @Test
    void aUserInNoAllowedGroupIsRefused() {
        assertRefused(keyedUser("nogroup"), "none of user's groups are listed in AllowGroups");
    }

    private static LocalUser keyedUser(String role, String... groups) {
        LocalUser user = sftpd.accounts().user(role, groups);
        user.authorize(user.publicKeyLine());
        return user;
    }

    private static void assertLogsIn(LocalUser user) {
        sftpd.client().pwd(user.name(), Login.key(user.key())).assertSessionIn(user.home());
    }

    /** Refused at the client, and logged as sshd's allowed_user() logs it. */
    private static void assertRefused(LocalUser user, String because) {
        sftpd.client().pwd(user.name(), Login.key(user.key())).assertPermissionDenied();

        sftpd.daemon().awaitLine("User " + user + " from 127.0.0.1 not allowed because " + because);
    }
}
