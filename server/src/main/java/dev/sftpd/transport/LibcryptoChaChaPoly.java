// chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305) on libcrypto's ChaCha20 and Poly1305.
package dev.sftpd.transport;

import static dev.sftpd.sftp.posix.CFunction.Array.out;
import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.mac.Mac;

/**
 * Two ChaCha20 keys: the second 32 bytes of the key encrypt each packet's length field, the
 * first its payload, and the first 32 bytes of the payload key's stream at counter 0 are the
 * packet's Poly1305 key; the payload starts at counter 1. The nonce is the packet's sequence
 * number. MINA calls {@link #updateAAD} with the length field (so that it can read the length of
 * a packet still arriving), then {@link #update} with the rest; the tag covers both, encrypted.
 */
final class LibcryptoChaChaPoly extends Libcrypto.EvpCipher {
    private static final int TAG = 16;

    /** libcrypto's ChaCha20 IV: a 32-bit little-endian block counter, then the 64-bit big-endian sequence number. */
    private final byte[] iv = new byte[16];
    private final byte[] polyKey = new byte[32];
    private final byte[] tag = new byte[TAG];
    private final long[] tagLength = new long[1];
    private final long header;
    private final long payload;
    private final long poly1305;
    private boolean encrypt;
    private long firstSequence;
    private long sequence;

    LibcryptoChaChaPoly(Libcrypto.Api api, long chacha20, long poly1305Mac) {
        super(api, BuiltinCiphers.cc20p1305_openssh, chacha20);
        header = cipherContext();
        payload = cipherContext();
        poly1305 = macContext(poly1305Mac);
    }

    /** The IV is the first packet's sequence number, which MINA puts in its first 8 bytes for a cipher named ChaCha. */
    @Override
    public void init(Mode mode, byte[] key, byte[] iv) {
        encrypt = mode == Mode.Encrypt;
        byte[] payloadKey = Arrays.copyOfRange(key, 0, 32);
        byte[] headerKey = Arrays.copyOfRange(key, 32, 64);
        Libcrypto.check("EVP_CipherInit_ex", api.EVP_CipherInit_ex.call(pinned(3, payloadKey), payload, type, 0, 0, 0, 1));
        Libcrypto.check("EVP_CipherInit_ex", api.EVP_CipherInit_ex.call(pinned(3, headerKey), header, type, 0, 0, 0, 1));
        Arrays.fill(payloadKey, (byte) 0);
        Arrays.fill(headerKey, (byte) 0);
        firstSequence = ByteBuffer.wrap(iv, 0, 8).getLong();
        if (firstSequence >>> 32 != 0) {
            throw new IllegalStateException("ChaCha20 nonce is not a valid SSH packet sequence number");
        }
        sequence = firstSequence;
    }

    /** The length field, which the tag covers as sent: MACed after encrypting, before decrypting. */
    @Override
    public void updateAAD(byte[] data, int offset, int length) {
        if (length != 4) {
            throw new IllegalArgumentException("additional data is only the 4-byte packet length");
        }
        ByteBuffer.wrap(iv, 8, 8).putLong(sequence);
        startBlocks(payload, 0);
        crypt(payload, polyKey, 0, polyKey.length); // zeros in, the key stream out
        Libcrypto.check("EVP_MAC_init", api.EVP_MAC_init.call(pinned(1, polyKey), poly1305, 0, polyKey.length, 0));
        Arrays.fill(polyKey, (byte) 0);
        if (!encrypt) {
            mac(data, offset, length);
        }
        startBlocks(header, 0);
        crypt(header, data, offset, length);
        if (encrypt) {
            mac(data, offset, length);
        }
    }

    @Override
    public void update(byte[] data, int offset, int length) throws AEADBadTagException {
        if (!encrypt) {
            mac(data, offset, length);
            finishMac();
            if (!Mac.equals(data, offset + length, tag, 0, TAG)) {
                throw new AEADBadTagException("Tag mismatch");
            }
        }
        startBlocks(payload, 1);
        crypt(payload, data, offset, length);
        if (encrypt) {
            mac(data, offset, length);
            finishMac();
            System.arraycopy(tag, 0, data, offset + length, TAG);
        }
        sequence = (sequence + 1) & 0xFFFF_FFFFL;
        if (sequence == firstSequence) {
            throw new IllegalStateException("Packet sequence number cannot be reused with the same key");
        }
    }

    /** Sets the context's IV to this packet's nonce and the given block counter. */
    private void startBlocks(long ctx, int counter) {
        iv[0] = (byte) counter;
        Libcrypto.check("EVP_CipherInit_ex(IV)", api.EVP_CipherInit_ex.call(pinned(4, iv), ctx, 0, 0, 0, 0, 1));
    }

    private void mac(byte[] data, int offset, int length) {
        Libcrypto.check("EVP_MAC_update", api.EVP_MAC_update.call(pinned(1, data, offset, length), poly1305, 0, length));
    }

    private void finishMac() {
        Libcrypto.check("EVP_MAC_final", api.EVP_MAC_final.call(pinned(1, tag), out(2, tagLength), poly1305, 0, 0, TAG));
    }
}
