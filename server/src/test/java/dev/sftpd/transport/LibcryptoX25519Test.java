// curve25519-sha256 and mlkem768x25519-sha256 on libcrypto's X25519 against the JDK's (MINA's), and the client keys RFC 7748 and 8731 refuse.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LibcryptoX25519Test {
    @ParameterizedTest
    @EnumSource(names = {"curve25519", "curve25519_libssh"})
    void bothNamesOfCurve25519AreLibcryptos(BuiltinDHFactories builtin) throws Exception {
        DHFactory factory = Libcrypto.kex(builtin);

        assertEquals(builtin.getName(), factory.getName());
        assertEquals(LibcryptoX25519.class, factory.create().getClass());
    }

    @Test
    void otherKeyExchangesStayMinas() {
        assertSame(BuiltinDHFactories.ecdhp256, Libcrypto.kex(BuiltinDHFactories.ecdhp256));
        assertSame(BuiltinDHFactories.dhg14_256, Libcrypto.kex(BuiltinDHFactories.dhg14_256));
    }

    @Test
    void agreesWithTheJdksX25519EachTime() throws Exception {
        KeyPairGenerator jdk = KeyPairGenerator.getInstance("X25519");
        for (int round = 0; round < 20; round++) {
            AbstractDH server = Libcrypto.kex(BuiltinDHFactories.curve25519).create();
            KeyPair client = jdk.generateKeyPair();

            byte[] serverPublic = server.getE();
            server.setF(raw((XECPublicKey) client.getPublic()));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(client.getPrivate());
            agreement.doPhase(jdkPublic(serverPublic), true);

            assertEquals(32, serverPublic.length);
            assertArrayEquals(AbstractDH.stripLeadingZeroes(agreement.generateSecret()), server.getK());
        }
    }

    @Test
    void eachExchangeHasAKeyPairOfItsOwn() throws Exception {
        DHFactory factory = Libcrypto.kex(BuiltinDHFactories.curve25519);

        assertNotEquals(HexFormat.of().formatHex(factory.create().getE()),
                HexFormat.of().formatHex(factory.create().getE()));
    }

    @Test
    void refusesAClientKeyOfTheWrongSize() throws Exception {
        for (int size : new int[] {0, 31, 33, 65}) {
            AbstractDH server = Libcrypto.kex(BuiltinDHFactories.curve25519).create();
            server.getE();
            server.setF(new byte[size]);

            assertThrows(IllegalArgumentException.class, server::getK, size + " bytes");
        }
    }

    /** Points of small order give an all-zero secret, which RFC 8731 section 3 says to refuse. */
    @Test
    void refusesAClientKeyOfLowOrder() throws Exception {
        for (String point : new String[] {
                "0000000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"}) {
            AbstractDH server = Libcrypto.kex(BuiltinDHFactories.curve25519).create();
            server.getE();
            server.setF(HexFormat.of().parseHex(point));

            assertThrows(RuntimeException.class, server::getK, point);
        }
    }

    @Test
    void sendsItsPublicKeyAsAStringNotAnMpint() throws Exception {
        AbstractDH server = Libcrypto.kex(BuiltinDHFactories.curve25519).create();
        byte[] f = new byte[32];
        f[0] = (byte) 0x80; // an mpint would gain a leading zero byte
        ByteArrayBuffer buffer = new ByteArrayBuffer();

        server.putF(buffer, f);

        assertEquals(4 + 32, buffer.available());
        assertArrayEquals(f, buffer.getBytes());
    }

    @Test
    void hashesWithSha256() throws Exception {
        assertEquals("SHA-256", Libcrypto.kex(BuiltinDHFactories.curve25519).create().getHash().getAlgorithm());
    }

    /**
     * mlkem768x25519-sha256 as a client of OpenSSH 9.9 or later runs it, played by MINA's client
     * halves (ML-KEM from Bouncy Castle, X25519 from the JDK): both ends find the same KEM key
     * and the same raw X25519 secret, and the hash is SHA-256.
     */
    @Test
    void mlkem768x25519TakesX25519FromLibcrypto() throws Exception {
        AbstractDH server = Libcrypto.kex(BuiltinDHFactories.mlkem768x25519).create();
        KeyEncapsulationMethod.Client kemClient = BuiltinKEM.mlkem768.getClient();
        kemClient.init();
        KeyPair x25519Client = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        byte[] kemPublic = kemClient.getPublicKey();
        byte[] blob = Arrays.copyOf(kemPublic, kemPublic.length + 32);
        System.arraycopy(raw((XECPublicKey) x25519Client.getPublic()), 0, blob, kemPublic.length, 32);

        byte[] serverPublic = server.getE(); // made first, as DHGServer does
        KeyEncapsulationMethod.Server kemServer = server.getKeyEncapsulation().getServer();
        server.setF(kemServer.init(blob));
        byte[] secret = server.getK();
        KeyAgreement agreement = KeyAgreement.getInstance("X25519");
        agreement.init(x25519Client.getPrivate());
        agreement.doPhase(jdkPublic(serverPublic), true);

        assertEquals(LibcryptoX25519.class, server.getClass());
        assertEquals("SHA-256", server.getHash().getAlgorithm());
        assertArrayEquals(kemClient.extractSecret(kemServer.getEncapsulation()), kemServer.getSecret());
        assertArrayEquals(agreement.generateSecret(), secret, "the raw 32 bytes");
    }

    /** The key's u-coordinate as X25519 writes it: 32 bytes, little-endian. */
    private static byte[] raw(XECPublicKey key) {
        byte[] bigEndian = key.getU().toByteArray(); // 33 bytes when a sign byte leads
        return reversed(Arrays.copyOfRange(bigEndian, Math.max(0, bigEndian.length - 32), bigEndian.length), 32);
    }

    private static PublicKey jdkPublic(byte[] little) throws Exception {
        return KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                new BigInteger(1, reversed(little, little.length))));
    }

    /** The bytes in the other order, in an array of {@code length} (zero-padded at the end). */
    private static byte[] reversed(byte[] bytes, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
