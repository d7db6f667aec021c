// Password logins through PAM (UsePAM yes, Debian's default) and the shadow file (UsePAM no), logged as sshd does.
package dev.sftpd.server.auth;

import static dev.sftpd.server.auth.Daemon.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Passwords are set with chpasswd, so the shadow file holds Debian's default hash, yescrypt. */
class PasswordIT {
    @RegisterExtension
    static final Sftpd sftpd = new Sftpd();
    /** PAM service "sftpd" (packaging/pam.d/sftpd), with and without PermitEmptyPasswords; the shadow file. */
    private static Daemon pam;
    private static Daemon pamEmptyPasswords;
    private static Daemon shadow;

    @BeforeAll
    static void start() {
        pam = sftpd.start("UsePAM yes", "PasswordAuthentication yes");
        pamEmptyPasswords = sftpd.start("UsePAM yes", "PasswordAuthentication yes", "PermitEmptyPasswords yes");
        shadow = sftpd.start("UsePAM no", "PasswordAuthentication yes");
    }

    @Test
    void pamAcceptsTheRightPasswordForASessionLoggedAsAcceptedThenDisconnected() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(pam, alice, alice.password()).assertSessionIn(alice.home());

        pam.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
        pam.awaitLine("Disconnected from user " + alice + " 127.0.0.1 port " + ANY_PORT);
    }

    @Test
    void pamRefusesAWrongPasswordLoggedAsFailedPassword() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(pam, alice, "not-" + alice.password()).assertPermissionDenied();

        pam.awaitLine(failedPassword(alice));
        pam.awaitLine("Connection closed by authenticating user " + alice + " 127.0.0.1 port " + ANY_PORT
                + " [preauth]");
    }

    @Test
    void anUnknownUserIsRefusedAndLoggedAsInvalidUser() {
        String ghost = "sftpd-a-ghost-" + ProcessHandle.current().pid();

        sftpd.client(pam).pwd(ghost, Login.password("anything")).assertPermissionDenied();

        pam.awaitLine("Invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT);
        pam.awaitLine("Failed password for invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    /** pam_unix finds no password matching a locked hash. */
    @Test
    void pamRefusesTheRightPasswordOfALockedAccount() {
        LocalUser alice = locked();

        logIn(pam, alice, alice.password()).assertPermissionDenied();

        pam.awaitLine(failedPassword(alice));
    }

    /** The password is right, then pam_acct_mgmt says no: sshd ends the connection there, the client told nothing. */
    @Test
    void pamAccountManagementRefusesAnExpiredAccount() {
        LocalUser alice = expired();

        logIn(pam, alice, alice.password()).assertNoSession();

        pam.awaitLine("Access denied for user " + alice + " by PAM account configuration");
    }

    /** PermitEmptyPasswords is off by default: sshd tells PAM to refuse a null password (nullok or not). */
    @Test
    void pamRefusesTheEmptyPasswordOfAnAccountWithoutPassword() {
        LocalUser alice = withoutPassword();

        logIn(pam, alice, "").assertPermissionDenied();

        pam.awaitLine(failedPassword(alice));
    }

    /**
     * With PermitEmptyPasswords an account without password gets in with an empty password.
     * sshd takes it through the "none" method, before any prompt; here the password method
     * carries it (MINA answers "none" itself), so the client is asked once: a known difference.
     */
    @Test
    void permitEmptyPasswordsLetsAnAccountWithoutPasswordInWithAnEmptyPassword() {
        LocalUser alice = withoutPassword();

        logIn(pamEmptyPasswords, alice, "").assertSessionIn(alice.home());

        pamEmptyPasswords.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    @Test
    void withoutPamTheRightPasswordMatchesTheShadowHash() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(shadow, alice, alice.password()).assertSessionIn(alice.home());

        shadow.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    @Test
    void withoutPamAWrongPasswordDoesNotMatchTheShadowHash() {
        LocalUser alice = sftpd.accounts().user("alice");

        logIn(shadow, alice, "not-" + alice.password()).assertPermissionDenied();

        shadow.awaitLine(failedPassword(alice));
    }

    @Test
    void withoutPamALockedAccountIsNotAllowed() {
        LocalUser alice = locked();

        logIn(shadow, alice, alice.password()).assertPermissionDenied();

        shadow.awaitLine("User " + alice + " not allowed because account is locked");
    }

    @Test
    void withoutPamAnExpiredAccountIsNotAllowed() {
        LocalUser alice = expired();

        logIn(shadow, alice, alice.password()).assertPermissionDenied();

        shadow.awaitLine("Account " + alice + " has expired");
    }

    private static LocalUser withoutPassword() {
        LocalUser user = sftpd.accounts().user("alice");
        sftpd.accounts().clearPassword(user);
        return user;
    }

    /** An account whose password is right but which usermod -L locked: "!" before the hash. */
    private static LocalUser locked() {
        LocalUser user = sftpd.accounts().user("alice");
        sftpd.accounts().lock(user);
        return user;
    }

    /** An account whose password is right but which chage -E 0 expired. */
    private static LocalUser expired() {
        LocalUser user = sftpd.accounts().user("alice");
        sftpd.accounts().expire(user);
        return user;
    }

    private static Outcome logIn(Daemon daemon, LocalUser user, String password) {
        return sftpd.client(daemon).pwd(user.name(), Login.password(password));
    }

    private static String failedPassword(LocalUser user) {
        return "Failed password for " + user + " from 127.0.0.1 port " + ANY_PORT + " ssh2";
    }
}
