// AllowUsers, DenyUsers, AllowGroups and DenyGroups, with wildcards and user@address patterns, in sshd's order.
package dev.sftpd.server.auth;

import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Account names carry their role ("sftpd-a-deny-x1y2z3"), so one configuration written with patterns
 * covers every case. Everyone logs in with an authorized key, which the policy overrides.
 */
class AccessPolicyIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig(
            "DenyUsers sftpd-a-deny-* sftpd-a-denyhere-*@127.0.0.1",
            "AllowUsers sftpd-a-ok-* sftpd-a-here-*@127.0.0.1 sftpd-a-away-*@10.0.0.0/8 sftpd-a-deny-*"
                    + " sftpd-a-denyhere-* sftpd-a-dgroup-* sftpd-a-nogroup-*",
            "DenyGroups sftpd-g-denied-*",
            "AllowGroups sftpd-g-allowed-*");

    @Test
    void aUserInAllowUsersAndInAnAllowedGroupLogsIn() {
        assertLogsIn(keyedUser("ok", "allowed"));
    }

    @Test
    void aUserAllowedFromTheClientsAddressLogsIn() {
        assertLogsIn(keyedUser("here", "allowed"));
    }

    @Test
    void aUserMissingFromAllowUsersIsRefused() {
        assertRefused(keyedUser("other", "allowed"), "not listed in AllowUsers");
    }

    @Test
    void aUserAllowedOnlyFromAnotherNetworkIsRefused() {
        assertRefused(keyedUser("away", "allowed"), "not listed in AllowUsers");
    }

    @Test
    void denyUsersOverridesAllowUsers() {
        assertRefused(keyedUser("deny", "allowed"), "listed in DenyUsers");
    }

    @Test
    void aUserDeniedFromTheClientsAddressIsRefused() {
        assertRefused(keyedUser("denyhere", "allowed"), "listed in DenyUsers");
    }

    @Test
    void aMemberOfADeniedGroupIsRefusedEvenInAnAllowedOne() {
        assertRefused(keyedUser("dgroup", "allowed", "denied"), "a group is listed in DenyGroups");
    }

    @Test
    void aUserInNoAllowedGroupIsRefused() {
        assertRefused(keyedUser("nogroup"), "none of user's groups are listed in AllowGroups");
    }

    /** A new account playing {@code role}, in the groups playing {@code groupRoles}, with its key authorized. */
    private static SystemUser keyedUser(String role, String... groupRoles) {
        SystemUser user = sftpd.accounts().newUser(role, groupRoles);
        user.authorize("rw-------", user.publicKey());
        return user;
    }

    private static void assertLogsIn(SystemUser user) {
        sftpd.clients().pwd(user.name(), Login.key(user.key())).assertSessionIn(user.home());
    }

    /** Refused at the client, and logged as sshd's allowed_user() logs it. */
    private static void assertRefused(SystemUser user, String because) {
        sftpd.clients().pwd(user.name(), Login.key(user.key())).assertPermissionDenied();

        sftpd.daemon().awaitLine("User " + user + " from 127.0.0.1 not allowed because " + because);
    }
}
