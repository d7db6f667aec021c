// Fuzz target: OpenSSH certificates as a client presents them, parsed, then judged against TrustedUserCAKeys.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The input is a public key blob from a client (SSH_MSG_USERAUTH_REQUEST's key). A certificate
 * is judged twice: as it came (a fuzzed signature almost never verifies, so it must be refused)
 * and with the same fields signed again by the one trusted CA, which is what reaches the
 * principal, validity and critical-option checks. Whatever the fields, an accepted certificate
 * is a user certificate that names the user as a principal and is valid now; only
 * Keys.fromBlob may refuse with an exception, and only IllegalArgumentException.
 */
class CertificatesFuzzTest {
    private static final Account USER = new Account("fuzz", 1000, 1000, Path.of("/nonexistent"), Path.of("/bin/sh"));
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private static Path dir;
    private static KeyPair ca;
    private static List<TrustedCaFile> trustedCaKeys;

    @BeforeAll
    static void trustedCa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        ca = generator.generateKeyPair();
        dir = Files.createTempDirectory("cert-fuzz");
        Path file = dir.resolve("ca.pub");
        Files.writeString(file, PublicKeyEntry.toString(ca.getPublic()) + "\n");
        trustedCaKeys = List.of(TrustedCaFile.administrators(file));
    }

    @AfterAll
    static void removeCa() throws Exception {
        Files.delete(trustedCaKeys.get(0).path());
        Files.delete(dir);
    }

    @FuzzTest(maxDuration = "60s")
    void blob(byte[] input) {
        PublicKey key;
        try {
            key = Keys.fromBlob(input);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (!(key instanceof OpenSshCertificate cert)) {
            return;
        }
        CertificateOptions.of(cert);
        if (!cert.getCaPubKey().equals(ca.getPublic())) {
            assertEquals(Optional.empty(), judge(cert, Optional.empty()), "accepted with a foreign CA");
        }
        OpenSshCertificate signed = signedByTrustedCa(cert);
        if (signed == null) {
            return;
        }
        judge(signed, Optional.of(List.of("fuzz", "other principal")))
                .ifPresent(a -> assertAcceptable(signed, List.of("fuzz", "other principal")));
        judge(signed, Optional.empty()).ifPresent(a -> assertAcceptable(signed, List.of("fuzz")));
    }

    private static Optional<Certificates.Accepted> judge(OpenSshCertificate cert, Optional<List<String>> principals) {
        return Certificates.checkTrustedCa(USER, cert, trustedCaKeys, principals, Client.of(CLIENT));
    }

    private static void assertAcceptable(OpenSshCertificate cert, List<String> allowed) {
        assertEquals(OpenSshCertificate.Type.USER, cert.getType(), "accepted a host certificate");
        assertTrue(cert.getPrincipals().stream().anyMatch(allowed::contains), "accepted without a principal");
        long now = Instant.now().getEpochSecond();
        assertTrue(Long.compareUnsigned(cert.getValidAfter(), now) <= 0
                && Long.compareUnsigned(now, cert.getValidBefore()) < 0, "accepted outside its validity");
    }

    /** The certificate's own fields signed by the trusted CA, or null when MINA's builder will not sign them. */
    private static OpenSshCertificate signedByTrustedCa(OpenSshCertificate cert) {
        try {
            OpenSshCertificateBuilder b = cert.getType() == OpenSshCertificate.Type.HOST
                    ? OpenSshCertificateBuilder.hostCertificate() : OpenSshCertificateBuilder.userCertificate();
            return b.publicKey(cert.getCertPubKey()).serial(cert.getSerial()).id(cert.getId())
                    .principals(cert.getPrincipals()).criticalOptions(cert.getCriticalOptions())
                    .extensions(cert.getExtensions()).validAfter(cert.getValidAfter())
                    .validBefore(cert.getValidBefore()).nonce(cert.getNonce()).sign(ca, "ecdsa-sha2-nistp256");
        } catch (Exception e) {
            return null;
        }
    }
}
