// OpenSSH user certificates from a CA in TrustedUserCAKeys or a cert-authority line: validity, principals, source.
package dev.sftpd.server.auth;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Keys;
import dev.sftpd.testkit.Login;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Users have no authorized_keys entry for their own key here: the certificate is the only way in. */
class CertificateIT {
    private static final String VALID_NOW = "-5m:+1h";

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();
    /** The CA the daemons trust (TrustedUserCAKeys), and another one, known only to some authorized_keys. */
    private static Path trustedCa;
    private static Path otherCa;
    private static DaemonProcess trusting;
    private static DaemonProcess principals;
    /** TrustedUserCAKeys in the user's home (%h): the user's own file, so opened as the user. */
    private static DaemonProcess usersCa;

    @BeforeAll
    static void start() {
        trustedCa = Keys.generate(sftpd.dir().resolve("trusted_ca"), "trusted CA");
        otherCa = Keys.generate(sftpd.dir().resolve("other_ca"), "other CA");
        trusting = sftpd.startDaemon("TrustedUserCAKeys " + trustedCa + ".pub");
        principals = sftpd.startDaemon("TrustedUserCAKeys " + trustedCa + ".pub",
                "AuthorizedPrincipalsFile .ssh/authorized_principals");
        usersCa = sftpd.startDaemon("TrustedUserCAKeys %h/.ssh/user_ca.pub");
    }

    @Test
    void aCertificateFromTheTrustedCaNamingTheUserOpensASession() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW);

        logIn(trusting, alice).assertSessionIn(alice.home());

        trusting.awaitLine(accepted(alice, trustedCa));
    }

    @Test
    void anExpiredCertificateIsRefused() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, alice.name(), "20200101:20200102");

        logIn(trusting, alice).assertPermissionDenied();

        trusting.awaitLine("Certificate invalid: expired");
    }

    @Test
    void aCertificateNotNamingTheUserIsRefused() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, "someone-else", VALID_NOW);

        logIn(trusting, alice).assertPermissionDenied();

        trusting.awaitLine("Certificate invalid: name is not a listed principal");
    }

    @Test
    void aCertificateForAnotherSourceAddressIsRefused() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW, "source-address=10.0.0.0/8");

        logIn(trusting, alice).assertPermissionDenied();

        trusting.awaitLine("cert: Authentication tried for " + alice + " with valid certificate but not from a "
                + "permitted source address (127.0.0.1).");
    }

    @Test
    void aCertificateForcingInternalSftpGetsSftpWithTheForcedFlags() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW, "force-command=internal-sftp -d /tmp");

        logIn(trusting, alice).assertSessionIn(Path.of("/tmp"));
    }

    @Test
    void aCertificateForcingAnotherCommandGetsNoSession() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW, "force-command=/bin/date");

        logIn(trusting, alice).assertRefused("This service allows sftp connections only.");
    }

    @Test
    void authorizedPrincipalsFileAdmitsAListedPrincipalThatIsNotTheUserName() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        alice.createFile(".ssh/authorized_principals", "sftp-operators\n", "rw-------");
        Keys.certify(alice.key(), trustedCa, "sftp-operators", VALID_NOW);

        logIn(principals, alice).assertSessionIn(alice.home());

        principals.awaitLine(accepted(alice, trustedCa));
    }

    /** With AuthorizedPrincipalsFile the file alone says who is admitted: the user's own name is not enough. */
    @Test
    void authorizedPrincipalsFileRefusesACertificateWhosePrincipalItDoesNotList() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        alice.createFile(".ssh/authorized_principals", "sftp-operators\n", "rw-------");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW);

        logIn(principals, alice).assertPermissionDenied();

        principals.awaitLine("Certificate does not contain an authorized principal");
    }

    @Test
    void aCertAuthorityLineInAuthorizedKeysAdmitsTheCertificatesOfItsCa() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        alice.authorize("rw-------", "cert-authority " + Text.read(Path.of(otherCa + ".pub")).strip());
        Keys.certify(alice.key(), otherCa, alice.name(), VALID_NOW);

        logIn(trusting, alice).assertSessionIn(alice.home());

        trusting.awaitLine(accepted(alice, otherCa));
    }

    @Test
    void aCaKeysFileInTheHomeDirectoryNamedWithPercentHAdmitsItsCertificates() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        alice.createFile(".ssh/user_ca.pub", Text.read(Path.of(trustedCa + ".pub")), "rw-------");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW);

        logIn(usersCa, alice).assertSessionIn(alice.home());

        usersCa.awaitLine(accepted(alice, trustedCa));
    }

    /**
     * The file is opened as the user: a link to a CA file only root may read is refused like a
     * missing one, so the monitor never tells the user what a root-only file holds.
     */
    @Test
    void aCaKeysFileInTheHomeDirectoryIsReadWithTheUsersAccess() throws Exception {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Path rootOnly = sftpd.dir().resolve("root_only_ca.pub");
        Files.copy(Path.of(trustedCa + ".pub"), rootOnly, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
        Path link = alice.home().resolve(".ssh/user_ca.pub");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, rootOnly);
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW);

        logIn(usersCa, alice).assertPermissionDenied();

        usersCa.awaitLine("Could not open user '" + alice + "' trusted user CA keys '" + link
                + "': Permission denied");
    }

    /** A FIFO in its place neither hangs the monitor nor is read: refused as not a regular file. */
    @Test
    void aFifoInPlaceOfTheCaKeysFileIsRefusedWithoutWaiting() {
        SystemUser alice = sftpd.accounts().newUser("alice");
        Path fifo = alice.home().resolve(".ssh/user_ca.pub");
        Run.checked("rm", "-f", fifo.toString());
        Run.checked("mkfifo", fifo.toString());
        alice.own(fifo, "rw-------");
        Keys.certify(alice.key(), trustedCa, alice.name(), VALID_NOW);

        logIn(usersCa, alice).assertPermissionDenied();

        usersCa.awaitLine("User '" + alice + "' trusted user CA keys '" + fifo + "' is not a regular file");
    }

    /** The client offers the user's key with its certificate, key-cert.pub beside it. */
    private static Outcome logIn(DaemonProcess daemon, SystemUser user) {
        return daemon.clients().pwd(user.name(), Login.key(user.key()));
    }

    /** sshd's line for a certificate: its type and key, key id, serial, and the CA that signed it. */
    private static String accepted(SystemUser user, Path ca) {
        return "Accepted publickey for " + user + " from 127.0.0.1 port " + ANY_PORT + " ssh2: ED25519-CERT "
                + user.fingerprint() + " ID test-id (serial 0) CA ED25519 " + Keys.fingerprint(Path.of(ca + ".pub"));
    }
}
