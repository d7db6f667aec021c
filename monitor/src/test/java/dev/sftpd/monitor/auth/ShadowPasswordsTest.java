// Specifies the UsePAM-no password check on real accounts: crypt hashes, locks, expiry and empty passwords as sshd treats them.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.monitor.auth.ShadowPasswords.Result;
import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShadowPasswordsTest {
    private static final String SECRET = "correct horse ✓ battery";

    /** A fresh account, without a password until the test sets one. */
    private SystemAccounts accounts;
    private SystemUser u;

    @BeforeEach
    void createUser() throws Exception {
        Root.assume("creates users and reads /etc/shadow");
        accounts = new SystemAccounts();
        u = accounts.newAccount("shadow", "/bin/sh");
    }

    @AfterEach
    void removeUser() throws Exception {
        if (accounts != null) {
            accounts.close();
        }
    }

    private Account account() {
        return Account.lookup(u.name()).orElseThrow();
    }

    @Test
    void acceptsTheRightPasswordForAYescryptHash() throws Exception {
        u.setPassword(SECRET);
        assertTrue(u.hash().startsWith("$y$"), u.hash());
        assertEquals(Result.OK, ShadowPasswords.check(account(), SECRET, false));
    }

    @Test
    void acceptsTheRightPasswordForASha512Hash() throws Exception {
        u.setPassword(SECRET, "SHA512");
        assertTrue(u.hash().startsWith("$6$"), u.hash());
        assertEquals(Result.OK, ShadowPasswords.check(account(), SECRET, false));
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), SECRET + " ", false));
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        u.setPassword(SECRET);
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), "correct horse", false));
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), "", true));
    }

    @Test
    void aPasswordWithANulNeverReachesCrypt() throws Exception {
        u.setPassword(SECRET);
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), SECRET + "\0tail", false));
    }

    @Test
    void refusesALockedAccountEvenWithTheRightPassword() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.setPassword(SECRET);
            u.lock();
            assertTrue(u.hash().startsWith("!"), u.hash());
            assertEquals(Result.LOCKED, ShadowPasswords.check(account(), SECRET, false));
            assertEquals(Optional.of(Result.LOCKED), ShadowPasswords.accountRefusal(account()));
            assertTrue(log.text().contains("User " + u.name() + " not allowed because account is locked\r\n"), log.text());
        }
    }

    @Test
    void aStarIsNoLockButMatchesNoPassword() throws Exception {
        u.setHash("*");
        assertEquals(Optional.empty(), ShadowPasswords.accountRefusal(account()));
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), "*", false));
    }

    @Test
    void refusesAnExpiredAccountAndLogsItAsSshdDoes() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.setPassword(SECRET);
            u.expire();
            assertEquals(Result.ACCOUNT_EXPIRED, ShadowPasswords.check(account(), SECRET, false));
            assertEquals(Optional.of(Result.ACCOUNT_EXPIRED), ShadowPasswords.accountRefusal(account()));
            String expected = "Account " + u.name() + " has expired\r\n"
                    + "User " + u.name() + " not allowed because account is locked\r\n";
            assertTrue(log.text().contains(expected), log.text());
        }
    }

    @Test
    void aPasswordRootForcedToChangeIsReportedOnlyWhenRight() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.setPassword(SECRET);
            u.forcePasswordChange();
            assertEquals(Result.PASSWORD_EXPIRED, ShadowPasswords.check(account(), SECRET, false));
            assertEquals(Result.WRONG, ShadowPasswords.check(account(), "guess", false));
            assertEquals(Optional.empty(), ShadowPasswords.accountRefusal(account()), "keys still work, as in sshd");
            assertTrue(log.text().contains("User " + u.name() + " password has expired (root forced)\r\n"), log.text());
        }
    }

    @Test
    void anAgedPasswordHasExpired() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.setPassword(SECRET);
            u.agePassword(30);
            assertEquals(Result.PASSWORD_EXPIRED, ShadowPasswords.check(account(), SECRET, false));
            assertTrue(log.text().contains("User " + u.name() + " password has expired (password aged)\r\n"), log.text());
        }
    }

    @Test
    void anEmptyPasswordWorksOnlyWithPermitEmptyPasswords() throws Exception {
        u.setPassword(SECRET);
        u.clearPassword();
        assertEquals("", u.hash());
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), "", false));
        assertEquals(Result.OK, ShadowPasswords.check(account(), "", true));
        assertEquals(Result.WRONG, ShadowPasswords.check(account(), "anything", true));
    }

    @Test
    void aFreshAccountWithoutPasswordIsLocked() throws Exception {
        assertEquals("!", u.hash());
        assertEquals(Result.LOCKED, ShadowPasswords.check(account(), "", true));
    }
}
