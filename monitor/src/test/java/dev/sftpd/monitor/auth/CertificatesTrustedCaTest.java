// Specifies which user certificates TrustedUserCAKeys and AuthorizedPrincipalsFile let in, and what sshd logs for each.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificatesTrustedCaTest {
    private static final String CLIENT = "127.0.0.1";

    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static CertificateAuthority otherCa;
    static SshKeys userKey;
    static Path trusted;
    static final Account alice = new Account("alice", 1000, 1000, Path.of("/home/alice"), Path.of("/bin/sh"));

    @BeforeAll
    static void makeCas() throws Exception {
        ca = CertificateAuthority.create(dir, "ca");
        otherCa = CertificateAuthority.create(dir, "other-ca");
        userKey = SshKeys.generate(dir, "user", "-t", "ed25519");
        trusted = dir.resolve("trusted_user_ca_keys");
        Files.writeString(trusted, "# user CAs\n\n" + ca.key().line() + "\n");
    }

    @Test
    void acceptsACertificateNamingTheUserAndLogsItAsSshdDoes() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "alice@laptop", "-z", "42", "-n", "alice,bob");
        try (LogCapture log = new LogCapture()) {
            Optional<Certificates.Accepted> accepted = trustedCa(cert, Optional.empty(), CLIENT);
            String fp = Keys.fingerprint(ca.key().key());
            assertEquals(Optional.of(new Certificates.Accepted(
                    new KeyPermissions(Optional.empty(), true, List.of()), fp, "alice@laptop", 42)), accepted);
            assertLogged(log, "Accepted certificate ID \"alice@laptop\" (serial 42) signed by ED25519 CA " + fp
                    + " via " + trusted);
        }
    }

    @Test
    void refusesAUserWhoIsNotAPrincipal() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "bob,carol"),
                "Certificate invalid: name is not a listed principal");
    }

    @Test
    void refusesACertificateWithoutPrincipals() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id"), "Certificate lacks principal list");
    }

    @Test
    void refusesAnExpiredCertificate() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice", "-V", "20200101:20200102"),
                "Certificate invalid: expired");
    }

    @Test
    void refusesACertificateNotYetValid() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice", "-V", "+1d:+2d"),
                "Certificate invalid: not yet valid");
    }

    @Test
    void acceptsACertificateValidForever() throws Exception {
        assertTrue(trustedCa(ca.certify(userKey, "-I", "id", "-n", "alice"), Optional.empty(), CLIENT).isPresent());
    }

    @Test
    void refusesAHostCertificate() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-h", "-n", "alice"), "Certificate invalid: not a user certificate");
    }

    @Test
    void refusesACertificateFromACaThatIsNotListed() throws Exception {
        OpenSshCertificate cert = otherCa.certify(userKey, "-I", "id", "-n", "alice");
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, Optional.empty(), CLIENT).isEmpty());
            assertLogged(log, "debug2: CA ED25519 " + Keys.fingerprint(otherCa.key().key()) + " is not listed in "
                    + trusted + ": key not found");
        }
    }

    @Test
    void refusesEverythingWhenTheCaFileIsMissingOrNoneIsConfigured() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice");
        Path missing = dir.resolve("missing");
        try (LogCapture log = new LogCapture()) {
            assertTrue(Certificates.checkTrustedCa(alice, cert, admins(missing), Optional.empty(), ip(CLIENT)).isEmpty());
            assertLogged(log, "debug2: CA ED25519 " + Keys.fingerprint(ca.key().key()) + " is not listed in " + missing
                    + ": No such file or directory");
        }
        assertTrue(Certificates.checkTrustedCa(alice, cert, List.of(), Optional.empty(), ip(CLIENT)).isEmpty());
    }

    @Test
    void stopsReadingTheCaFileAtALineThatIsNoKey() throws Exception {
        Path file = dir.resolve("garbled_ca_keys");
        Files.writeString(file, "not a key\n" + ca.key().line() + "\n");
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice");
        try (LogCapture log = new LogCapture()) {
            assertTrue(Certificates.checkTrustedCa(alice, cert, admins(file), Optional.empty(), ip(CLIENT)).isEmpty());
            assertLogged(log, "debug2: CA ED25519 " + Keys.fingerprint(ca.key().key()) + " is not listed in " + file
                    + ": invalid format");
        }
    }

    @Test
    void refusesACertificateWhoseSignatureDoesNotVerify() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice");
        // The raw signature is the last thing in the blob; spoil its last byte.
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(cert);
        byte[] bytes = Arrays.copyOf(blob.array(), blob.wpos());
        bytes[bytes.length - 1] ^= 1;
        OpenSshCertificate forged = (OpenSshCertificate) Keys.fromBlob(bytes);
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(forged, Optional.empty(), CLIENT).isEmpty());
            assertLogged(log, "parse key: incorrect signature");
        }
    }

    @Test
    void acceptsAnRsaCaSigningWithSha2ButNotWithSha1() throws Exception {
        CertificateAuthority rsaCa = CertificateAuthority.create(dir, "rsa-ca", "-t", "rsa", "-b", "2048");
        Path file = dir.resolve("rsa_ca_keys");
        Files.writeString(file, rsaCa.key().line() + "\n");
        OpenSshCertificate sha2 = rsaCa.certify(userKey, "-I", "id", "-n", "alice");
        assertTrue(Certificates.checkTrustedCa(alice, sha2, admins(file), Optional.empty(), ip(CLIENT)).isPresent());
        OpenSshCertificate sha1 = rsaCa.certify(userKey, "-I", "id", "-n", "alice", "-t", "ssh-rsa");
        try (LogCapture log = new LogCapture()) {
            assertTrue(Certificates.checkTrustedCa(alice, sha1, admins(file), Optional.empty(), ip(CLIENT)).isEmpty());
            assertLogged(log, "certificate signature algorithm ssh-rsa: signature algorithm not supported");
        }
    }

    @Test
    void acceptsAPrincipalListedInTheAuthorizedPrincipalsFileInsteadOfTheUserName() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "ops,dba");
        assertTrue(trustedCa(cert, Optional.of(List.of("# who may be alice", "", "  dba  # the DBAs")), CLIENT)
                .isPresent());
    }

    @Test
    void refusesTheUserNameAloneWhenAnAuthorizedPrincipalsFileIsConfigured() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice"), Optional.of(List.of("ops")), CLIENT,
                "Certificate does not contain an authorized principal");
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "alice"), Optional.of(List.of()), CLIENT,
                "Certificate does not contain an authorized principal");
    }

    @Test
    void appliesTheOptionsOfTheMatchingPrincipalsLine() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "ops");
        assertEquals(Optional.of("internal-sftp"),
                trustedCa(cert, Optional.of(List.of("command=\"internal-sftp\" ops")), CLIENT).get().forceCommand());
        assertRefused(cert, Optional.of(List.of("from=\"10.0.0.0/8\" ops")), CLIENT,
                "Refused by certificate principals options");
    }

    @Test
    void skipsAPrincipalsLineWithBadOptions() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "ops");
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, Optional.of(List.of("bogus ops", "ops")), CLIENT).isPresent());
            assertLogged(log, "debug1: AuthorizedPrincipalsFile:1: bad principals options: unknown key option");
        }
    }

    @Test
    void refusesCertAuthorityInAPrincipalsLine() throws Exception {
        assertRefused(ca.certify(userKey, "-I", "id", "-n", "ops"), Optional.of(List.of("cert-authority ops")), CLIENT,
                "Refused by certificate principals options");
    }

    @Test
    void returnsTheForcedCommand() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "force-command=internal-sftp");
        assertEquals(Optional.of("internal-sftp"), trustedCa(cert, Optional.empty(), CLIENT).get().forceCommand());
    }

    @Test
    void refusesAPrincipalsLineCommandThatDisagreesWithTheForcedCommand() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "ops", "-O", "force-command=internal-sftp");
        assertRefused(cert, Optional.of(List.of("command=\"/bin/false\" ops")), CLIENT,
                "forced command options do not match");
    }

    @Test
    void acceptsAClientWithinTheSourceAddresses() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice",
                "-O", "source-address=127.0.0.1/32,10.0.0.0/8,2001:db8::/32");
        assertTrue(trustedCa(cert, Optional.empty(), "127.0.0.1").isPresent());
        assertTrue(trustedCa(cert, Optional.empty(), "10.1.2.3").isPresent());
        assertTrue(trustedCa(cert, Optional.empty(), "2001:db8::5").isPresent());
    }

    @Test
    void refusesAClientOutsideTheSourceAddressesAndLogsItAsSshdDoes() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "source-address=10.0.0.0/8");
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, Optional.empty(), "127.0.0.1").isEmpty());
            assertLogged(log, "cert: Authentication tried for alice with valid certificate but not from a "
                    + "permitted source address (127.0.0.1).");
            assertLogged(log, "Refused by certificate options");
        }
    }

    @Test
    void refusesAnUnsupportedCriticalOption() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "critical:foo=bar");
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, Optional.empty(), CLIENT).isEmpty());
            assertLogged(log, "Certificate critical option \"foo\" is not supported");
            assertLogged(log, "Invalid certificate options");
        }
    }

    @Test
    void ignoresAnUnknownExtension() throws Exception {
        OpenSshCertificate cert = ca.certify(userKey, "-I", "id", "-n", "alice", "-O", "extension:fancy@example.com");
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, Optional.empty(), CLIENT).isPresent());
            assertLogged(log, "Certificate extension \"fancy@example.com\" is not supported");
        }
    }

    private static Optional<Certificates.Accepted> trustedCa(OpenSshCertificate cert, Optional<List<String>> principals,
                                                             String client) {
        return Certificates.checkTrustedCa(alice, cert, admins(trusted), principals, ip(client));
    }

    private static void assertRefused(OpenSshCertificate cert, String reason) {
        assertRefused(cert, Optional.empty(), CLIENT, reason);
    }

    private static void assertRefused(OpenSshCertificate cert, Optional<List<String>> principals, String client,
                                      String reason) {
        try (LogCapture log = new LogCapture()) {
            assertTrue(trustedCa(cert, principals, client).isEmpty());
            assertLogged(log, reason);
        }
    }

    /** A whole line of the log; errors carry no prefix on stderr, as in sshd -D -e. */
    static void assertLogged(LogCapture log, String line) {
        assertTrue(("\n" + log.text()).contains("\n" + line + "\r\n"), log.text());
    }

    static Client ip(String literal) {
        try {
            return Client.of(InetAddress.getByName(literal));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<TrustedCaFile> admins(Path file) {
        return List.of(TrustedCaFile.administrators(file));
    }
}
