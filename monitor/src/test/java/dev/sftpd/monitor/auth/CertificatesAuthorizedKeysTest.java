// Specifies which user certificates a cert-authority line in authorized_keys lets in, on files laid out like a home directory.
package dev.sftpd.monitor.auth;

import static dev.sftpd.monitor.auth.CertificatesTrustedCaTest.assertLogged;
import static dev.sftpd.monitor.auth.CertificatesTrustedCaTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesAuthorizedKeysTest {
    private static final String CLIENT = "192.0.2.10";

    @TempDir
    static Path keyDir;
    static CertificateAuthority ca;
    static CertificateAuthority otherCa;
    static SshKeys userKey;

    @TempDir
    Path root;
    Path authorizedKeys;
    Account alice;

    @BeforeAll
    static void makeCas() throws Exception {
        ca = CertificateAuthority.create(keyDir, "ca");
        otherCa = CertificateAuthority.create(keyDir, "other-ca");
        userKey = SshKeys.generate(keyDir, "user", "-t", "ed25519");
    }

    @BeforeEach
    void layOutHome() throws IOException {
        UserHome home = UserHome.layOut(root);
        authorizedKeys = home.authorizedKeys();
        alice = home.user();
    }

    @Test
    void acceptsACertificateNamingTheUserAndLogsItAsSshdDoes() throws Exception {
        write("cert-authority " + ca.key().line());
        OpenSshCertificate cert = ca.certify(userKey, "-I", "alice@laptop", "-z", "7", "-n", "alice");
        try (LogCapture log = new LogCapture()) {
            String fp = Keys.fingerprint(ca.key().key());
            assertEquals(Optional.of(new Certificates.Accepted(
                    new KeyPermissions(Optional.empty(), true, List.of()), fp, "alice@laptop", 7)), check(cert));
            assertLogged(log, "debug1: " + authorizedKeys + ":1: matching CA found: ED25519 " + fp);
            assertLogged(log, "Accepted certificate ID \"alice@laptop\" (serial 7) signed by CA ED25519 " + fp
                    + " found at " + authorizedKeys + ":1");
        }
    }

    @Test
    void ignoresTheCaKeyOnALineWithoutCertAuthority() throws Exception {
        write(ca.key().line());
        assertTrue(check(ca.certify(userKey, "-I", "id", "-n", "alice")).isEmpty());
    }

    @Test
    void ignoresACertificateFromAnotherCa() throws Exception {
        write("cert-authority " + ca.key().line());
        assertTrue(check(otherCa.certify(userKey, "-I", "id", "-n", "alice")).isEmpty());
    }

    @Test
    void findsTheCaOnALaterLineAfterOtherCas() throws Exception {
        write("cert-authority " + otherCa.key().line(), "cert-authority " + ca.key().line());
        assertTrue(check(ca.certify(userKey, "-I", "id", "-n", "alice")).isPresent());
    }

    @Test
    void refusesAUserWhoIsNotAPrincipal() throws Exception {
        write("cert-authority " + ca.key().line());
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "bob"), "Certificate invalid: name is not a listed principal");
    }

    @Test
    void acceptsACertificateWithoutPrincipalsAsSshdDoesForCertAuthorityLines() throws Exception {
        write("cert-authority " + ca.key().line());
        assertTrue(check(ca.certify(userKey, "-I", "id")).isPresent());
    }

    @Test
    void acceptsAPrincipalListedInPrincipalsInsteadOfTheUserName() throws Exception {
        write("cert-authority,principals=\"ops,dba\" " + ca.key().line());
        assertTrue(check(ca.certify(userKey, "-I", "id", "-n", "web,dba")).isPresent());
    }

    @Test
    void refusesACertificateWithoutAPrincipalListedInPrincipals() throws Exception {
        write("cert-authority,principals=\"ops\" " + ca.key().line());
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice"), "Certificate does not contain an authorized principal");
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        write("cert-authority " + ca.key().line());
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice", "-V", "20200101:20200102"),
                "Certificate invalid: expired");
    }

    @Test
    void refusesAHostCertificate() throws Exception {
        write("cert-authority " + ca.key().line());
        assertRefused(ca.certify(userKey, "-I", "id", "-h", "-n", "alice"), "Certificate invalid: not a user certificate");
    }

    @Test
    void appliesFromOnTheCertAuthorityLine() throws Exception {
        write("cert-authority,from=\"10.0.0.0/8\" " + ca.key().line());
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice");
        try (LogCapture log = new LogCapture()) {
            assertTrue(check(cert).isEmpty());
            assertLogged(log, "Refused by key options at " + authorizedKeys + ":1");
        }
        assertTrue(Certificates.checkAuthorizedKeysCa(alice, List.of(authorizedKeys), cert, ip("10.9.8.7"), true)
                .isPresent());
    }

    @Test
    void appliesTheCertificatesSourceAddress() throws Exception {
        write("cert-authority " + ca.key().line());
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "source-address=192.0.2.0/24");
        assertTrue(check(cert).isPresent());
        try (LogCapture log = new LogCapture()) {
            assertTrue(Certificates.checkAuthorizedKeysCa(alice, List.of(authorizedKeys), cert, ip("198.51.100.1"), true)
                    .isEmpty());
            assertLogged(log, authorizedKeys + ":1: Authentication tried for alice with valid certificate but not from "
                    + "a permitted source address (198.51.100.1).");
        }
    }

    @Test
    void returnsTheForcedCommandOfTheLineOrOfTheCertificate() throws Exception {
        write("cert-authority,command=\"internal-sftp\" " + ca.key().line());
        assertEquals(Optional.of("internal-sftp"), check(ca.certify(userKey, "-I", "id", "-n", "alice")).get().forceCommand());
        write("cert-authority " + ca.key().line());
        assertEquals(Optional.of("internal-sftp"), check(ca.certify(userKey, "-I", "id", "-n", "alice",
                "-O", "force-command=internal-sftp")).get().forceCommand());
    }

    @Test
    void portForwardingNeedsTheCertificatesExtensionAndTheLinesConsent() throws Exception {
        write("cert-authority,permitopen=\"127.0.0.1:80\" " + ca.key().line());
        KeyPermissions granted = check(ca.certify(userKey, "-I", "id", "-n", "alice")).get().permissions();
        assertEquals(new KeyPermissions(Optional.empty(), true, List.of("127.0.0.1:80")), granted);
        assertFalse(check(ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "no-port-forwarding")).get()
                .permissions().portForwarding());
        write("cert-authority,no-port-forwarding " + ca.key().line());
        assertFalse(check(ca.certify(userKey, "-I", "id", "-n", "alice")).get().permissions().portForwarding());
    }

    @Test
    void refusesALineCommandThatDisagreesWithTheForcedCommand() throws Exception {
        write("cert-authority,command=\"/bin/false\" " + ca.key().line());
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "force-command=internal-sftp"),
                "forced command options do not match");
    }

    @Test
    void refusesAGroupWritableFileUnderStrictModes() throws Exception {
        write("cert-authority " + ca.key().line());
        UserHome.chmod(authorizedKeys, "rw-rw-r--");
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice");
        assertTrue(check(cert).isEmpty());
        assertTrue(Certificates.checkAuthorizedKeysCa(alice, List.of(authorizedKeys), cert, ip(CLIENT), false).isPresent());
    }

    private Optional<Certificates.Accepted> check(OpenSshCertificate cert) {
        return Certificates.checkAuthorizedKeysCa(alice, List.of(authorizedKeys), cert, ip(CLIENT), true);
    }

    /** sshd words every refusal after the CA line matched the same way, with the reason last. */
    private void assertRefused(OpenSshCertificate cert, String reason) {
        try (LogCapture log = new LogCapture()) {
            assertTrue(check(cert).isEmpty());
            assertLogged(log, "Refusing certificate ID \"id\" serial=0 signed by ED25519 CA "
                    + Keys.fingerprint(ca.key().key()) + " via " + authorizedKeys + ":1: " + reason);
        }
    }

    private void write(String... lines) throws IOException {
        UserHome.write(authorizedKeys, lines);
    }
}
