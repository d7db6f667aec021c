// aes128-gcm@openssh.com and aes256-gcm@openssh.com (RFC 5647) on libcrypto, called as OpenSSH's cipher.c calls it.
package dev.sftpd.transport;

import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.cipher.BuiltinCiphers;

/**
 * MINA calls {@link #updateAAD} with a packet's length field, then {@link #update} with the rest
 * of the packet, followed by room for (encrypting) or the received (decrypting) 16-byte tag. The
 * 12-byte nonce is a fixed field and a 64-bit invocation counter that libcrypto advances for
 * each packet (EVP_CTRL_GCM_IV_GEN), as RFC 5647 has it.
 */
final class LibcryptoGcm extends Libcrypto.EvpCipher {
    private static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    private static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    private static final int EVP_CTRL_GCM_SET_IV_FIXED = 0x12;
    private static final int EVP_CTRL_GCM_IV_GEN = 0x13;
    private static final int TAG = 16;

    private final byte[] tag = new byte[TAG];
    private final byte[] invocation = new byte[8];
    private long ctx;
    private boolean encrypt;

    LibcryptoGcm(Libcrypto.Api api, BuiltinCiphers builtin, long type) {
        super(api, builtin, type);
    }

    /** The IV's first 12 bytes are the fixed field and the first invocation counter (MINA derives more). */
    @Override
    public void init(Mode mode, byte[] key, byte[] iv) {
        encrypt = mode == Mode.Encrypt;
        ctx = keyed(key, null, encrypt);
        Libcrypto.check("EVP_CTRL_GCM_SET_IV_FIXED", api.EVP_CIPHER_CTX_ctrl.call(
                pinned(3, Arrays.copyOf(iv, getIVSize())), ctx, EVP_CTRL_GCM_SET_IV_FIXED, -1, 0));
    }

    /** The packet's length field: this packet's nonce, then the field as additional authenticated data. */
    @Override
    public void updateAAD(byte[] data, int offset, int length) {
        Libcrypto.check("EVP_CTRL_GCM_IV_GEN",
                api.EVP_CIPHER_CTX_ctrl.call(pinned(3, invocation), ctx, EVP_CTRL_GCM_IV_GEN, invocation.length, 0));
        // With no output buffer, libcrypto takes the input as additional data.
        if ((int) api.EVP_Cipher.call(pinned(2, data, offset, length), ctx, 0, 0, length) < 0) {
            throw new IllegalStateException("EVP_Cipher(additional data) failed");
        }
    }

    @Override
    public void update(byte[] data, int offset, int length) throws AEADBadTagException {
        if (!encrypt) {
            System.arraycopy(data, offset + length, tag, 0, TAG);
            Libcrypto.check("EVP_CTRL_AEAD_SET_TAG",
                    api.EVP_CIPHER_CTX_ctrl.call(pinned(3, tag), ctx, EVP_CTRL_AEAD_SET_TAG, TAG, 0));
        }
        crypt(ctx, data, offset, length);
        // The final call: -1 when the tag does not match.
        if ((int) api.EVP_Cipher.call(ctx, 0, 0, 0) < 0) {
            throw new AEADBadTagException("Tag mismatch");
        }
        if (encrypt) {
            Libcrypto.check("EVP_CTRL_AEAD_GET_TAG",
                    api.EVP_CIPHER_CTX_ctrl.call(pinned(3, tag), ctx, EVP_CTRL_AEAD_GET_TAG, TAG, 0));
            System.arraycopy(tag, 0, data, offset + length, TAG);
        }
    }
}
