// Specifies which publickey signatures the monitor accepts: SSH wire format, per-type algorithms, no malformed input.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Signatures are made with java.security directly, not through MINA, and keys go through their
 * SSH blob as a client's key does, so the test checks our reading of the wire rather than MINA's.
 */
class PublicKeySignatureTest {
    private static final byte[] DATA = "session id, user, service, key".getBytes(StandardCharsets.UTF_8);

    static KeyPair ed25519;
    static KeyPair rsa;

    @BeforeAll
    static void generateKeys() throws GeneralSecurityException {
        ed25519 = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
        rsa = rsa(2048);
    }

    @Test
    void acceptsAnEd25519Signature() throws Exception {
        assertTrue(PublicKeySignature.verify(wire(ed25519), sign(ed25519, "ssh-ed25519", "Ed25519"), DATA));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rsa-sha2-512, SHA512withRSA", "rsa-sha2-256, SHA256withRSA", "ssh-rsa, SHA1withRSA"})
    void acceptsEachRsaAlgorithm(String algorithm, String jca) throws Exception {
        assertTrue(PublicKeySignature.verify(wire(rsa), sign(rsa, algorithm, jca), DATA));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ecdsa-sha2-nistp256, secp256r1, SHA256", "ecdsa-sha2-nistp384, secp384r1, SHA384",
        "ecdsa-sha2-nistp521, secp521r1, SHA512"})
    void acceptsEcdsaOnEachCurve(String algorithm, String curve, String hash) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = g.generateKeyPair();
        assertTrue(PublicKeySignature.verify(wire(pair), ecdsa(pair.getPrivate(), algorithm, hash, DATA), DATA));
    }

    @Test
    void padsAnRsaSignatureShorterThanTheModulusAsSshdDoes() throws Exception {
        byte[] raw;
        int tries = 0;
        do {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(rsa.getPrivate());
            s.update(DATA);
            s.update(BigInteger.valueOf(tries++).toByteArray());
            raw = s.sign();
        } while (raw[0] != 0);
        byte[] data = concat(DATA, BigInteger.valueOf(tries - 1).toByteArray());
        assertTrue(PublicKeySignature.verify(wire(rsa), signature("rsa-sha2-256", Arrays.copyOfRange(raw, 1, raw.length)),
                data));
    }

    @Test
    void refusesASignatureOverOtherData() throws Exception {
        byte[] other = Arrays.copyOf(DATA, DATA.length + 1);
        assertFalse(PublicKeySignature.verify(wire(ed25519), sign(ed25519, "ssh-ed25519", "Ed25519"), other));
        assertFalse(PublicKeySignature.verify(wire(rsa), sign(rsa, "rsa-sha2-512", "SHA512withRSA"), other));
    }

    @Test
    void refusesASignatureByAnotherKey() throws Exception {
        KeyPair another = SecurityUtils.getKeyPairGenerator(SecurityUtils.ED25519).generateKeyPair();
        assertFalse(PublicKeySignature.verify(wire(ed25519), sign(another, "ssh-ed25519", "Ed25519"), DATA));
    }

    @Test
    void refusesAnAlgorithmTheKeyTypeDoesNotSignWith() throws Exception {
        byte[] edBlob = blob(sign(ed25519, "ssh-ed25519", "Ed25519"));
        assertFalse(PublicKeySignature.verify(wire(ed25519), signature("rsa-sha2-512", edBlob), DATA));
        byte[] rsaBlob = blob(sign(rsa, "rsa-sha2-512", "SHA512withRSA"));
        assertFalse(PublicKeySignature.verify(wire(rsa), signature("ssh-ed25519", rsaBlob), DATA));
        assertFalse(PublicKeySignature.verify(wire(rsa), signature("rsa-sha2-256", rsaBlob), DATA),
                "a SHA-512 signature labelled SHA-256");
    }

    @Test
    void refusesAnAlgorithmOtherThanTheRequestNamed() throws Exception {
        byte[] sig = sign(rsa, "rsa-sha2-256", "SHA256withRSA");
        assertTrue(PublicKeySignature.verify(wire(rsa), sig, DATA, "rsa-sha2-256"));
        assertFalse(PublicKeySignature.verify(wire(rsa), sig, DATA, "rsa-sha2-512"));
    }

    @Test
    void refusesMalformedSignaturesWithoutThrowing() throws Exception {
        byte[] sig = sign(ed25519, "ssh-ed25519", "Ed25519");
        PublicKey key = wire(ed25519);
        assertFalse(PublicKeySignature.verify(key, Arrays.copyOf(sig, sig.length - 1), DATA), "truncated blob");
        assertFalse(PublicKeySignature.verify(key, Arrays.copyOf(sig, sig.length + 1), DATA), "trailing byte");
        assertFalse(PublicKeySignature.verify(key, signature("ssh-ed25519", new byte[63]), DATA), "short blob");
        assertFalse(PublicKeySignature.verify(key, new byte[0], DATA), "empty");
        assertFalse(PublicKeySignature.verify(key, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, DATA),
                "huge length");
        assertFalse(PublicKeySignature.verify(key, "garbage, not a signature".getBytes(StandardCharsets.UTF_8), DATA));
    }

    @Test
    void refusesRsaKeysShorterThanSshdAccepts() throws Exception {
        KeyPair small = rsa(768);
        assertFalse(PublicKeySignature.verify(small.getPublic(), sign(small, "rsa-sha2-256", "SHA256withRSA"), DATA));
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    /** The public key as the monitor meets it: decoded from the client's SSH key blob. */
    private static PublicKey wire(KeyPair pair) {
        Buffer b = new ByteArrayBuffer();
        b.putRawPublicKey(pair.getPublic());
        return Keys.fromBlob(b.getCompactData());
    }

    private static byte[] sign(KeyPair pair, String algorithm, String jca) throws GeneralSecurityException {
        Signature s = Signature.getInstance(jca);
        s.initSign(pair.getPrivate());
        s.update(DATA);
        return signature(algorithm, s.sign());
    }

    /** RFC 5656: the blob is mpint r, mpint s; the JDK's P1363 format gives r and s side by side. */
    private static byte[] ecdsa(PrivateKey key, String algorithm, String hash, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance(hash + "withECDSAinP1363Format");
        s.initSign(key);
        s.update(data);
        byte[] rs = s.sign();
        int half = rs.length / 2;
        Buffer blob = new ByteArrayBuffer();
        blob.putMPInt(new BigInteger(1, Arrays.copyOfRange(rs, 0, half)));
        blob.putMPInt(new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length)));
        return signature(algorithm, blob.getCompactData());
    }

    private static byte[] signature(String algorithm, byte[] blob) {
        Buffer b = new ByteArrayBuffer();
        b.putString(algorithm);
        b.putBytes(blob);
        return b.getCompactData();
    }

    private static byte[] blob(byte[] signature) {
        Buffer b = new ByteArrayBuffer(signature);
        b.getString();
        return b.getBytes();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
