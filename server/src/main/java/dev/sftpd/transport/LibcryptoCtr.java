// aes128-ctr, aes192-ctr and aes256-ctr (RFC 4344) on libcrypto: a key stream over whole packets, the MAC apart.
package dev.sftpd.transport;

import java.util.Arrays;
import org.apache.sshd.common.cipher.BuiltinCiphers;

/** The counter runs on across packets; MINA passes block-aligned lengths, first the packet's first block to read its length. */
final class LibcryptoCtr extends Libcrypto.EvpCipher {
    private long ctx;

    LibcryptoCtr(Libcrypto.Api api, BuiltinCiphers builtin, long type) {
        super(api, builtin, type);
    }

    /** Counter mode is the same both ways; the IV's first 16 bytes are the first counter block (MINA derives more). */
    @Override
    public void init(Mode mode, byte[] key, byte[] iv) {
        ctx = keyed(key, Arrays.copyOf(iv, getIVSize()), true);
    }

    @Override
    public void update(byte[] data, int offset, int length) {
        crypt(ctx, data, offset, length);
    }

    @Override
    public void updateAAD(byte[] data, int offset, int length) {
        throw new UnsupportedOperationException(this + " takes no additional data");
    }
}
