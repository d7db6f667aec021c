// Password logins through PAM (UsePAM yes, Debian's default) and the shadow file (UsePAM no), logged as sshd does.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Passwords are set with chpasswd, so the shadow file holds Debian's default hash, yescrypt. */
class PasswordIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    /** PAM service "sftpd" (packaging/pam.d/sftpd), with and without PermitEmptyPasswords; the shadow file. */
    private static DaemonProcess pam;
    private static DaemonProcess pamEmptyPasswords;
    private static DaemonProcess shadow;

    @BeforeAll
    static void start() {
        pam = sftpd.startDaemon("UsePAM yes", "PasswordAuthentication yes");
        pamEmptyPasswords = sftpd.startDaemon("UsePAM yes", "PasswordAuthentication yes", "PermitEmptyPasswords yes");
        shadow = sftpd.startDaemon("UsePAM no", "PasswordAuthentication yes");
    }

    @Test
    void pamAcceptsTheRightPasswordForASessionLoggedAsAcceptedThenDisconnected() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(pam, alice, alice.password()).assertSessionIn(alice.home());

        pam.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
        pam.awaitLine("Disconnected from user " + alice + " 127.0.0.1 port " + ANY_PORT);
    }

    @Test
    void pamRefusesAWrongPasswordLoggedAsFailedPassword() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(pam, alice, "not-" + alice.password()).assertPermissionDenied();

        pam.awaitLine(failedPassword(alice));
        pam.awaitLine("Connection closed by authenticating user " + alice + " 127.0.0.1 port " + ANY_PORT
                + " [preauth]");
    }

    @Test
    void anUnknownUserIsRefusedAndLoggedAsInvalidUser() {
        String ghost = "sftpd-a-ghost-" + ProcessHandle.current().pid();

        pam.clients().pwd(ghost, Login.password("anything")).assertPermissionDenied();

        pam.awaitLine("Invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT);
        pam.awaitLine("Failed password for invalid user " + ghost + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    /** pam_unix finds no password matching a locked hash. */
    @Test
    void pamRefusesTheRightPasswordOfALockedAccount() {
        SystemUser alice = locked();

        logIn(pam, alice, alice.password()).assertPermissionDenied();

        pam.awaitLine(failedPassword(alice));
    }

    /** The password is right, then pam_acct_mgmt says no: sshd ends the connection there, the client told nothing. */
    @Test
    void pamAccountManagementRefusesAnExpiredAccount() {
        SystemUser alice = expired();

        logIn(pam, alice, alice.password()).assertNoSession();

        pam.awaitLine("Access denied for user " + alice + " by PAM account configuration");
    }

    /** PermitEmptyPasswords is off by default: sshd tells PAM to refuse a null password (nullok or not). */
    @Test
    void pamRefusesTheEmptyPasswordOfAnAccountWithoutPassword() {
        SystemUser alice = withoutPassword();

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
        SystemUser alice = withoutPassword();

        logIn(pamEmptyPasswords, alice, "").assertSessionIn(alice.home());

        pamEmptyPasswords.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    @Test
    void withoutPamTheRightPasswordMatchesTheShadowHash() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(shadow, alice, alice.password()).assertSessionIn(alice.home());

        shadow.awaitLine("Accepted password for " + alice + " from 127.0.0.1 port " + ANY_PORT + " ssh2");
    }

    @Test
    void withoutPamAWrongPasswordDoesNotMatchTheShadowHash() {
        SystemUser alice = sftpd.accounts().newUser("alice");

        logIn(shadow, alice, "not-" + alice.password()).assertPermissionDenied();

        shadow.awaitLine(failedPassword(alice));
    }

    @Test
    void withoutPamALockedAccountIsNotAllowed() {
        SystemUser alice = locked();

        logIn(shadow, alice, alice.password()).assertPermissionDenied();

        shadow.awaitLine("User " + alice + " not allowed because account is locked");
    }

    @Test
    void withoutPamAnExpiredAccountIsNotAllowed() {
        SystemUser alice = expired();

        logIn(shadow, alice, alice.password()).assertPermissionDenied();

        shadow.awaitLine("Account " + alice + " has expired");
    }

    private static SystemUser withoutPassword() {
        SystemUser user = sftpd.accounts().newUser("alice");
        user.clearPassword();
        return user;
    }

    /** An account whose password is right but which usermod -L locked: "!" before the hash. */
    private static SystemUser locked() {
        SystemUser user = sftpd.accounts().newUser("alice");
        user.lock();
        return user;
    }

    /** An account whose password is right but which chage -E 0 expired. */
    private static SystemUser expired() {
        SystemUser user = sftpd.accounts().newUser("alice");
        user.expire();
        return user;
    }

    private static Outcome logIn(DaemonProcess daemon, SystemUser user, String password) {
        return daemon.clients().pwd(user.name(), Login.password(password));
    }

    private static String failedPassword(SystemUser user) {
        return "Failed password for " + user + " from 127.0.0.1 port " + ANY_PORT + " ssh2";
    }
}
