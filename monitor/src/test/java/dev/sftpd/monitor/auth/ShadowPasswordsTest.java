// Specifies the UsePAM-no password check on real accounts: crypt hashes, locks, expiry and empty passwords as sshd treats them.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sftpd.monitor.auth.ShadowPasswords.Result;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShadowPasswordsTest {
    private static final String SECRET = "correct horse ✓ battery";

    /** A fresh account, without a password until the test sets one. */
    private SystemUser u;

    @BeforeEach
    void createUser() throws Exception {
        assumeTrue(SystemUser.ROOT, "needs root: creates users and reads /etc/shadow");
        u = SystemUser.create();
    }

    @AfterEach
    void removeUser() throws Exception {
        if (u != null) {
            u.close();
        }
    }

    @Test
    void acceptsTheRightPasswordForAYescryptHash() throws Exception {
        u.password(SECRET);
        assertTrue(u.hash().startsWith("$y$"), u.hash());
        assertEquals(Result.OK, ShadowPasswords.check(u.account(), SECRET, false));
    }

    @Test
    void acceptsTheRightPasswordForASha512Hash() throws Exception {
        u.password(SECRET, "SHA512");
        assertTrue(u.hash().startsWith("$6$"), u.hash());
        assertEquals(Result.OK, ShadowPasswords.check(u.account(), SECRET, false));
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), SECRET + " ", false));
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        u.password(SECRET);
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "correct horse", false));
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "", true));
    }

    @Test
    void aPasswordWithANulNeverReachesCrypt() throws Exception {
        u.password(SECRET);
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), SECRET + "\0tail", false));
    }

    @Test
    void refusesALockedAccountEvenWithTheRightPassword() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.password(SECRET);
            u.lock();
            assertTrue(u.hash().startsWith("!"), u.hash());
            assertEquals(Result.LOCKED, ShadowPasswords.check(u.account(), SECRET, false));
            assertEquals(Optional.of(Result.LOCKED), ShadowPasswords.accountRefusal(u.account()));
            assertTrue(log.text().contains("User " + u.name() + " not allowed because account is locked\r\n"), log.text());
        }
    }

    @Test
    void aStarIsNoLockButMatchesNoPassword() throws Exception {
        u.setHash("*");
        assertEquals(Optional.empty(), ShadowPasswords.accountRefusal(u.account()));
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "*", false));
    }

    @Test
    void refusesAnExpiredAccountAndLogsItAsSshdDoes() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.password(SECRET);
            u.expireAccount();
            assertEquals(Result.ACCOUNT_EXPIRED, ShadowPasswords.check(u.account(), SECRET, false));
            assertEquals(Optional.of(Result.ACCOUNT_EXPIRED), ShadowPasswords.accountRefusal(u.account()));
            String expected = "Account " + u.name() + " has expired\r\n"
                    + "User " + u.name() + " not allowed because account is locked\r\n";
            assertTrue(log.text().contains(expected), log.text());
        }
    }

    @Test
    void aPasswordRootForcedToChangeIsReportedOnlyWhenRight() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.password(SECRET);
            u.forcePasswordChange();
            assertEquals(Result.PASSWORD_EXPIRED, ShadowPasswords.check(u.account(), SECRET, false));
            assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "guess", false));
            assertEquals(Optional.empty(), ShadowPasswords.accountRefusal(u.account()), "keys still work, as in sshd");
            assertTrue(log.text().contains("User " + u.name() + " password has expired (root forced)\r\n"), log.text());
        }
    }

    @Test
    void anAgedPasswordHasExpired() throws Exception {
        try (LogCapture log = new LogCapture()) {
            u.password(SECRET);
            u.agePassword(30);
            assertEquals(Result.PASSWORD_EXPIRED, ShadowPasswords.check(u.account(), SECRET, false));
            assertTrue(log.text().contains("User " + u.name() + " password has expired (password aged)\r\n"), log.text());
        }
    }

    @Test
    void anEmptyPasswordWorksOnlyWithPermitEmptyPasswords() throws Exception {
        u.password(SECRET);
        u.clearPassword();
        assertEquals("", u.hash());
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "", false));
        assertEquals(Result.OK, ShadowPasswords.check(u.account(), "", true));
        assertEquals(Result.WRONG, ShadowPasswords.check(u.account(), "anything", true));
    }

    @Test
    void aFreshAccountWithoutPasswordIsLocked() throws Exception {
        assertEquals("!", u.hash());
        assertEquals(Result.LOCKED, ShadowPasswords.check(u.account(), "", true));
    }
}
