// The transport's libcrypto ciphers and MACs against MINA's own, packet for packet, and against forged packets.
package dev.sftpd.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.sftp.posix.Posix;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LibcryptoTest {
    /** Where in its buffer MINA's packet starts (after room it keeps in front), and the sizes of its payloads. */
    private static final int OFFSET = 5;
    private static final int[] LENGTHS = {16, 32, 48, 1024, 32768 + 16, 262144, 16, 64};

    @BeforeAll
    static void libcryptoIsThere() {
        assertNotSame(BuiltinCiphers.aes128gcm, Libcrypto.cipher(BuiltinCiphers.aes128gcm),
                "libcrypto.so.3 (Debian's libssl3) should load here");
    }

    /**
     * Every function is found when the library is loaded, so a library that lacks one is refused
     * then, not in the middle of a session: Debian's libcrypto has every one, libc none, and a
     * library that is not there is refused as such.
     */
    @Test
    void aLibraryIsCheckedForEveryFunctionBeforeItIsUsed() {
        assertNotEquals(0, new Libcrypto.Api("libcrypto.so.3").EVP_aes_128_gcm.call());
        UnsatisfiedLinkError missing = assertThrows(UnsatisfiedLinkError.class, () -> new Libcrypto.Api(Posix.LIBC));
        assertTrue(missing.getMessage().startsWith("EVP_CIPHER_CTX_new: "), missing.getMessage());
        UnsatisfiedLinkError absent = assertThrows(UnsatisfiedLinkError.class, () -> new Libcrypto.Api("libcrypto.so.99"));
        assertTrue(absent.getMessage().contains("libcrypto.so.99"), absent.getMessage());
    }

    @ParameterizedTest
    @EnumSource(names = {"aes128gcm", "aes256gcm", "cc20p1305_openssh", "aes128ctr", "aes192ctr", "aes256ctr"})
    void encryptsEachPacketAsMinasCipherDoes(BuiltinCiphers builtin) throws Exception {
        Keys keys = Keys.random(builtin);
        Cipher ours = keys.init(Libcrypto.cipher(builtin), Cipher.Mode.Encrypt);
        Cipher mina = keys.init(builtin, Cipher.Mode.Encrypt);
        Random random = new Random(1);
        for (int round = 0; round < 3; round++) {
            for (int length : LENGTHS) {
                byte[] packet = packet(random, length);
                byte[] expected = packet.clone();

                encrypt(ours, packet, length);
                encrypt(mina, expected, length);

                assertArrayEquals(expected, packet, builtin + ", payload of " + length);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"aes128gcm", "aes256gcm", "cc20p1305_openssh", "aes128ctr", "aes192ctr", "aes256ctr"})
    void decryptsWhatMinasCipherEncryptedAndTheOtherWayRound(BuiltinCiphers builtin) throws Exception {
        Keys keys = Keys.random(builtin);
        Cipher oursOut = keys.init(Libcrypto.cipher(builtin), Cipher.Mode.Encrypt);
        Cipher oursIn = keys.init(Libcrypto.cipher(builtin), Cipher.Mode.Decrypt);
        Cipher minaOut = keys.init(builtin, Cipher.Mode.Encrypt);
        Cipher minaIn = keys.init(builtin, Cipher.Mode.Decrypt);
        Random random = new Random(2);
        for (int length : LENGTHS) {
            byte[] plain = packet(random, length);

            byte[] fromMina = plain.clone();
            encrypt(minaOut, fromMina, length);
            decrypt(oursIn, fromMina, length);
            byte[] fromUs = plain.clone();
            encrypt(oursOut, fromUs, length);
            decrypt(minaIn, fromUs, length);

            int end = OFFSET + 4 + length;
            assertArrayEquals(Arrays.copyOf(plain, end), Arrays.copyOf(fromMina, end), builtin + ", " + length);
            assertArrayEquals(Arrays.copyOf(plain, end), Arrays.copyOf(fromUs, end), builtin + ", " + length);
        }
    }

    /** The length field, a payload byte and a tag byte: each flipped bit fails the tag, as sshd's "Corrupted MAC". */
    @ParameterizedTest
    @EnumSource(names = {"aes128gcm", "aes256gcm", "cc20p1305_openssh"})
    void refusesAPacketWithAnyBitChanged(BuiltinCiphers builtin) throws Exception {
        int length = 1024;
        for (int at : new int[] {OFFSET + 1, OFFSET + 4 + 100, OFFSET + 4 + length + 15}) {
            Keys keys = Keys.random(builtin);
            byte[] packet = packet(new Random(3), length);
            encrypt(keys.init(Libcrypto.cipher(builtin), Cipher.Mode.Encrypt), packet, length);
            packet[at] ^= 0x10;

            Cipher in = keys.init(Libcrypto.cipher(builtin), Cipher.Mode.Decrypt);
            assertThrows(AEADBadTagException.class, () -> decrypt(in, packet, length), builtin + ", byte " + at);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"aes128gcm", "aes256gcm", "cc20p1305_openssh", "aes128ctr", "aes192ctr", "aes256ctr"})
    void keepsMinasNameAndSizes(BuiltinCiphers builtin) throws Exception {
        NamedFactory<Cipher> factory = Libcrypto.cipher(builtin);
        Cipher cipher = factory.create();

        assertNotSame(builtin, factory);
        assertEquals(builtin.getName(), factory.getName());
        assertEquals(builtin.getAlgorithm(), cipher.getAlgorithm());
        assertEquals(builtin.getKdfSize(), cipher.getKdfSize());
        assertEquals(builtin.getIVSize(), cipher.getIVSize());
        assertEquals(builtin.getAuthenticationTagSize(), cipher.getAuthenticationTagSize());
        assertEquals(builtin.getCipherBlockSize(), cipher.getCipherBlockSize());
    }

    @ParameterizedTest
    @EnumSource(names = {"aes128cbc", "aes256cbc", "tripledescbc"})
    void leavesTheOtherCiphersToMina(BuiltinCiphers builtin) {
        assertEquals(builtin, Libcrypto.cipher(builtin));
    }

    /** Several packets under one key, each with its sequence number first, the MAC written after the packet. */
    @ParameterizedTest
    @EnumSource(BuiltinMacs.class)
    void macsEachPacketAsMinasHmacDoes(BuiltinMacs builtin) throws Exception {
        Mac ours = Libcrypto.mac(builtin).create();
        Mac mina = builtin.create();
        byte[] key = new byte[64];
        new Random(builtin.ordinal()).nextBytes(key);
        ours.init(key.clone());
        mina.init(key.clone());
        Random random = new Random(4);
        long sequence = 0xffff_fffeL;
        for (int length : LENGTHS) {
            byte[] packet = packet(random, length + 64);
            byte[] expected = packet.clone();
            for (Mac mac : List.of(ours, mina)) {
                byte[] into = mac == ours ? packet : expected;
                mac.updateUInt(sequence);
                mac.update(into, OFFSET, length);
                mac.doFinal(into, OFFSET + length);
            }

            assertArrayEquals(expected, packet, builtin + ", packet of " + length);
            sequence = (sequence + 1) & 0xffff_ffffL;
        }
        assertEquals(builtin.getBlockSize(), ours.getBlockSize());
        assertEquals(builtin.isEncryptThenMac(), ours.isEncryptThenMac());
    }

    /** Key and IV as MINA derives them: hash output longer than the cipher needs; for ChaCha the IV is the sequence number. */
    private record Keys(byte[] key, byte[] iv) {
        static Keys random(BuiltinCiphers builtin) {
            Random random = new Random(builtin.ordinal());
            byte[] key = new byte[Math.max(64, builtin.getKdfSize())];
            byte[] iv = new byte[32];
            random.nextBytes(key);
            random.nextBytes(iv);
            if (builtin.getAlgorithm().startsWith("ChaCha")) {
                // Close to the 32-bit wrap, which the nonce must survive.
                Arrays.fill(iv, (byte) 0);
                iv[4] = iv[5] = iv[6] = (byte) 0xff;
                iv[7] = (byte) 0xfa;
            }
            return new Keys(key, iv);
        }

        Cipher init(NamedFactory<Cipher> factory, Cipher.Mode mode) throws Exception {
            Cipher cipher = factory.create();
            cipher.init(mode, key.clone(), iv.clone());
            return cipher;
        }
    }

    private static byte[] packet(Random random, int length) {
        byte[] packet = new byte[OFFSET + 4 + length + 16 + 3];
        random.nextBytes(packet);
        return packet;
    }

    /**
     * As MINA's encode: for an AEAD cipher, the length field as additional data, then the
     * payload, the tag after it; otherwise the whole (block-aligned) packet.
     */
    private static void encrypt(Cipher cipher, byte[] packet, int length) throws Exception {
        if (cipher.getAuthenticationTagSize() > 0) {
            cipher.updateWithAAD(packet, OFFSET, 4, length);
        } else {
            cipher.update(packet, OFFSET, length);
        }
    }

    /** As MINA's decode: the length field (or first block) when it arrives, the rest once the whole packet has. */
    private static void decrypt(Cipher cipher, byte[] packet, int length) throws Exception {
        if (cipher.getAuthenticationTagSize() > 0) {
            cipher.updateAAD(packet, OFFSET, 4);
            cipher.update(packet, OFFSET + 4, length);
        } else {
            cipher.update(packet, OFFSET, 16);
            cipher.update(packet, OFFSET + 16, length - 16);
        }
    }
}
