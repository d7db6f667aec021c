// Our sntrup761 encapsulation against Bouncy Castle's key pairs and decapsulation, and each of its steps against plain arithmetic.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKEMExtractor;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeKeyPairGenerator;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimeParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimePrivateKeyParameters;
import org.bouncycastle.pqc.crypto.ntruprime.SNTRUPrimePublicKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class Sntrup761Test {
    private final SecureRandom random = new SecureRandom();
    /** Ours, as the hybrid exchange makes it. */
    private final Sntrup761 kem;

    Sntrup761Test() throws Exception {
        kem = (Sntrup761) Libcrypto.kex(BuiltinDHFactories.sntrup761x25519).create().getKeyEncapsulation();
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A client's key pair as MINA's client makes one (Bouncy Castle). */
    private AsymmetricCipherKeyPair clientKeyPair() {
        SNTRUPrimeKeyPairGenerator generator = new SNTRUPrimeKeyPairGenerator();
        generator.init(new SNTRUPrimeKeyGenerationParameters(random, SNTRUPrimeParameters.sntrup761));
        return generator.generateKeyPair();
    }

    @Test
    void bouncyCastlesDecapsulationFindsOurKey() {
        for (int round = 0; round < 10; round++) {
            AsymmetricCipherKeyPair client = clientKeyPair();
            byte[] publicKey = ((SNTRUPrimePublicKeyParameters) client.getPublic()).getEncoded();

            Sntrup761.Encapsulated ours = kem.encapsulate(publicKey);
            byte[] theirs = new SNTRUPrimeKEMExtractor((SNTRUPrimePrivateKeyParameters) client.getPrivate())
                    .extractSecret(ours.ciphertext());

            assertEquals(Sntrup761.CIPHERTEXT_BYTES, ours.ciphertext().length);
            assertEquals(32, ours.key().length);
            // A ciphertext the client's key does not open gives the implicit rejection's key instead.
            assertArrayEquals(theirs, ours.key(), "round " + round);
        }
    }

    @Test
    void aCiphertextChangedInOneBitOpensToAnotherKey() {
        AsymmetricCipherKeyPair client = clientKeyPair();
        Sntrup761.Encapsulated ours = kem.encapsulate(
                ((SNTRUPrimePublicKeyParameters) client.getPublic()).getEncoded());
        byte[] changed = ours.ciphertext().clone();
        changed[100] ^= 1;

        byte[] theirs = new SNTRUPrimeKEMExtractor((SNTRUPrimePrivateKeyParameters) client.getPrivate())
                .extractSecret(changed);

        assertFalse(Arrays.equals(theirs, ours.key()));
    }

    @Test
    void eachEncapsulationDrawsItsOwnKey() {
        byte[] publicKey = ((SNTRUPrimePublicKeyParameters) clientKeyPair().getPublic()).getEncoded();

        assertFalse(Arrays.equals(kem.encapsulate(publicKey).key(),
                kem.encapsulate(publicKey).key()));
    }

    @Test
    void aPublicKeyOfAnotherSizeIsRefused() {
        for (int size : new int[] {0, Sntrup761.PUBLIC_KEY_BYTES - 1, Sntrup761.PUBLIC_KEY_BYTES + 1}) {
            assertThrows(IllegalArgumentException.class, () -> kem.encapsulate(new byte[size]));
        }
        assertThrows(IllegalArgumentException.class,
                () -> kem.getServer().init(new byte[Sntrup761.PUBLIC_KEY_BYTES - 1]));
    }

    @Test
    void theServerReturnsWhatFollowsThePublicKey() {
        byte[] publicKey = ((SNTRUPrimePublicKeyParameters) clientKeyPair().getPublic()).getEncoded();
        byte[] blob = Arrays.copyOf(publicKey, publicKey.length + 32);
        Arrays.fill(blob, publicKey.length, blob.length, (byte) 7);
        KeyEncapsulationMethod.Server server = kem.getServer();

        byte[] rest = server.init(blob);

        assertArrayEquals(Arrays.copyOfRange(blob, publicKey.length, blob.length), rest);
        assertEquals(Sntrup761.CIPHERTEXT_BYTES, server.getEncapsulation().length);
        assertEquals(32, server.getSecret().length);
    }

    @Test
    void aPublicKeyDecodesToWhatEncodesBackToIt() {
        byte[] publicKey = ((SNTRUPrimePublicKeyParameters) clientKeyPair().getPublic()).getEncoded();
        int[] h = Sntrup761.decodePublicKey(publicKey);
        int[] r = new int[Sntrup761.P];
        int[] m = new int[Sntrup761.P];
        for (int i = 0; i < r.length; i++) {
            assertEquals(h[i], Sntrup761.freeze(h[i]), "coefficient " + i + " out of range");
            r[i] = h[i] + (Sntrup761.Q - 1) / 2;
            m[i] = Sntrup761.Q;
        }
        Sntrup761.Out out = new Sntrup761.Out(publicKey.length);

        Sntrup761.encode(out, r, m, r.length);

        assertEquals(publicKey.length, out.length);
        assertArrayEquals(publicKey, out.bytes);
    }

    @Test
    void freezeIsTheCentredRemainderOverItsWholeRange() {
        for (int x = -(1 << 21) + 1; x < 1 << 21; x++) {
            int expected = Math.floorMod(x, Sntrup761.Q);
            if (expected > (Sntrup761.Q - 1) / 2) {
                expected -= Sntrup761.Q;
            }
            if (Sntrup761.freeze(x) != expected) {
                assertEquals(expected, Sntrup761.freeze(x), "freeze(" + x + ")");
            }
        }
    }

    @Test
    void roundGivesTheNearestMultipleOfThree() {
        int q12 = (Sntrup761.Q - 1) / 2;
        int[] a = new int[Sntrup761.P];
        for (int start = -q12; start <= q12; start += a.length) {
            for (int i = 0; i < a.length; i++) {
                a[i] = Math.min(start + i, q12);
            }
            int[] c = Sntrup761.round(a);
            for (int i = 0; i < a.length; i++) {
                assertEquals(0, c[i] % 3, "round(" + a[i] + ")");
                assertEquals(true, Math.abs(c[i] - a[i]) <= 1, "round(" + a[i] + ") = " + c[i]);
            }
        }
    }

    @Test
    void theMultiplicationIsTheSchoolbookOneModuloXToThePMinusXMinusOne() {
        int[] h = new int[Sntrup761.P];
        for (int i = 0; i < h.length; i++) {
            h[i] = Sntrup761.freeze(random.nextInt(Sntrup761.Q));
        }
        byte[] r = Sntrup761.shortPolynomial(randomBytes(4 * Sntrup761.P));
        long[] product = new long[2 * Sntrup761.P - 1];
        for (int i = 0; i < Sntrup761.P; i++) {
            for (int j = 0; j < Sntrup761.P; j++) {
                product[i + j] += (long) h[i] * r[j];
            }
        }
        for (int i = product.length - 1; i >= Sntrup761.P; i--) {
            product[i - Sntrup761.P] += product[i];
            product[i - Sntrup761.P + 1] += product[i];
        }

        int[] ours = Sntrup761.multiply(h, r);

        for (int i = 0; i < Sntrup761.P; i++) {
            assertEquals(Sntrup761.freeze((int) Math.floorMod(product[i], Sntrup761.Q)), ours[i], "coefficient " + i);
        }
    }

    @Test
    void shortPolynomialsHaveWeightW() {
        for (int round = 0; round < 20; round++) {
            byte[] r = Sntrup761.shortPolynomial(randomBytes(4 * Sntrup761.P));
            int weight = 0;
            for (byte c : r) {
                assertEquals(true, c >= -1 && c <= 1, "coefficient " + c);
                weight += c != 0 ? 1 : 0;
            }
            assertEquals(Sntrup761.W, weight);
        }
    }

    @Test
    void theSortingNetworkSortsUnsignedWords() {
        for (int n : new int[] {1, 2, 3, 17, 64, Sntrup761.P}) {
            int[] x = random.ints(n).toArray();
            x[0] = -1; // the largest unsigned word
            int[] expected = Arrays.stream(x).mapToLong(Integer::toUnsignedLong).sorted().mapToInt(v -> (int) v)
                    .toArray();

            Sntrup761.sortUnsigned(x);

            assertArrayEquals(expected, x, n + " words");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"sntrup761x25519", "sntrup761x25519_openssh"})
    void bothNamesOfTheHybridAreOurs(BuiltinDHFactories builtin) throws Exception {
        AbstractDH dh = Libcrypto.kex(builtin).create();

        assertEquals(builtin.getName(), Libcrypto.kex(builtin).getName());
        assertEquals(Sntrup761.class, dh.getKeyEncapsulation().getClass());
        assertEquals("SHA-512", dh.getHash().getAlgorithm());
    }

    /** Its X25519 half's shared secret goes to the hash as it is, leading zero bytes and all. */
    @Test
    void theHybridsX25519SecretIsRaw() throws Exception {
        for (int round = 0; round < 4000; round++) { // a leading zero byte one time in 256
            AbstractDH server = Libcrypto.kex(BuiltinDHFactories.sntrup761x25519).create();
            AbstractDH client = Libcrypto.kex(BuiltinDHFactories.curve25519).create();
            server.setF(client.getE());
            client.setF(server.getE());

            byte[] secret = server.getK();

            assertEquals(32, secret.length);
            if (secret[0] == 0) {
                assertArrayEquals(AbstractDH.stripLeadingZeroes(secret), client.getK(),
                        "curve25519-sha256 drops the zero bytes");
                return;
            }
        }
        throw new AssertionError("no secret with a leading zero byte in 4000 exchanges");
    }
}
