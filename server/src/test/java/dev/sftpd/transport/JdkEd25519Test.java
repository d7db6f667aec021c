// MINA's Ed25519 key handling on the JDK's keys, checked against RFC 8032's test vectors.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.util.HexFormat;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

class JdkEd25519Test {
    private static final JdkEd25519 ED = JdkEd25519.INSTANCE;
    /** RFC 8032, 7.1, tests 1 and 2: secret key (the seed) and public key. */
    private static final byte[] SECRET_1 = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] PUBLIC_1 = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final byte[] SECRET_2 = hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static final byte[] PUBLIC_2 = hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

    @Test
    void thePublicKeyRecoveredFromASecretIsRfc8032s() throws Exception {
        assertArrayEquals(PUBLIC_1, ED.getPublicKeyData(ED.recoverEDDSAPublicKey(ED.generateEDDSAPrivateKey(SECRET_1))));
        assertArrayEquals(PUBLIC_2, ED.getPublicKeyData(ED.recoverEDDSAPublicKey(ED.generateEDDSAPrivateKey(SECRET_2))));
    }

    @Test
    void aPrivateKeyGivesBackItsSeedAndRecoveringLeavesItIntact() throws Exception {
        EdECPrivateKey key = ED.generateEDDSAPrivateKey(SECRET_1);

        ED.recoverEDDSAPublicKey(key);

        assertArrayEquals(SECRET_1, ED.getPrivateKeyData(key));
        assertTrue(ED.compareEDDSAPrivateKeys(key, ED.generateEDDSAPrivateKey(SECRET_1)));
        assertFalse(ED.compareEDDSAPrivateKeys(key, ED.generateEDDSAPrivateKey(SECRET_2)));
    }

    @Test
    void aRawPublicKeyComesBackAsTheSameBytesOnTheWire() throws Exception {
        EdECPublicKey key = ED.generateEDDSAPublicKey(PUBLIC_1);
        ByteArrayBuffer wire = ED.putRawEDDSAPublicKey(new ByteArrayBuffer(), key);

        assertArrayEquals(PUBLIC_1, wire.getBytes());
        assertEquals(0, wire.available());
        assertTrue(ED.compareEDDSAPPublicKeys(key, ED.generateEDDSAPublicKey(PUBLIC_1)));
        assertFalse(ED.compareEDDSAPPublicKeys(key, ED.generateEDDSAPublicKey(PUBLIC_2)));
    }

    @Test
    void theKeyPairMinaAsksForBy256BitsIsAnEd25519PairWhoseHalvesMatch() throws Exception {
        KeyPair pair = ED.getEDDSAPublicKeyEntryDecoder().generateKeyPair(256);

        EdECPublicKey pub = assertInstanceOf(EdECPublicKey.class, pair.getPublic());
        assertTrue(ED.compareEDDSAPPublicKeys(pub, ED.recoverEDDSAPublicKey(pair.getPrivate())));
        assertEquals(256, ED.getEDDSAKeySize(pub));
        assertThrows(InvalidKeyException.class, () -> ED.getEDDSAPublicKeyEntryDecoder().generateKeyPair(255));
        assertThrows(InvalidKeyException.class,
                () -> ED.getOpenSSHEDDSAPrivateKeyEntryDecoder().generateKeyPair(448));
    }

    @Test
    void otherCurvesAndAlgorithmsAreNotEd25519() throws Exception {
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        PublicKey ed25519 = ED.generateEDDSAPublicKey(PUBLIC_1);

        assertEquals(-1, ED.getEDDSAKeySize(ed448.getPublic()));
        assertEquals(-1, ED.getEDDSAKeySize(rsa.getPublic()));
        assertFalse(ED.compareEDDSAPPublicKeys(ed448.getPublic(), ed448.getPublic()));
        assertFalse(ED.compareEDDSAPPublicKeys(ed25519, rsa.getPublic()));
        assertThrows(InvalidKeyException.class, () -> ED.recoverEDDSAPublicKey(ed448.getPrivate()));
        PrivateKey rsaPrivate = rsa.getPrivate();
        assertThrows(InvalidKeyException.class, () -> ED.recoverEDDSAPublicKey(rsaPrivate));
        assertThrows(IllegalArgumentException.class, () -> ED.putRawEDDSAPublicKey(new ByteArrayBuffer(), rsa.getPublic()));
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
