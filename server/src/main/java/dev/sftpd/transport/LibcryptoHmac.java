// The hmac-* MACs (RFC 4253, RFC 6668, OpenSSH's -etm@openssh.com) on libcrypto's HMAC.
package dev.sftpd.transport;

import static dev.sftpd.sftp.posix.CFunction.Array.out;
import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;

/** MINA feeds each packet's sequence number, then the packet; the MAC is the digest's first {@link #getBlockSize} bytes. */
final class LibcryptoHmac implements Mac {
    private final Libcrypto.Api api;
    private final BuiltinMacs builtin;
    private final long digest;
    private final long ctx;
    private final byte[] result = new byte[64];
    private final int[] resultLength = new int[1];
    private final ByteBuffer sequence = ByteBuffer.allocate(4);
    private boolean started;

    LibcryptoHmac(Libcrypto.Api api, BuiltinMacs builtin, long digest) {
        this.api = api;
        this.builtin = builtin;
        this.digest = digest;
        ctx = api.HMAC_CTX_new.call();
        if (ctx == 0) {
            throw new IllegalStateException("HMAC_CTX_new failed");
        }
        long c = ctx;
        Libcrypto.freeWith(this, () -> api.HMAC_CTX_free.call(c));
    }

    /** A key longer than the digest is cut to the digest's length, as MINA's HMACs do (hash output is longer for some). */
    @Override
    public void init(byte[] key) {
        byte[] k = Arrays.copyOf(key, Math.min(key.length, getDefaultBlockSize()));
        Libcrypto.check("HMAC_Init_ex", api.HMAC_Init_ex.call(pinned(1, k), ctx, 0, k.length, digest, 0));
        Arrays.fill(k, (byte) 0);
        started = true;
    }

    @Override
    public void updateUInt(long value) {
        sequence.putInt(0, (int) value);
        update(sequence.array(), 0, 4);
    }

    @Override
    public void update(byte[] data, int offset, int length) {
        start();
        Libcrypto.check("HMAC_Update", api.HMAC_Update.call(pinned(1, data, offset, length), ctx, 0, length));
    }

    @Override
    public void doFinal(byte[] out, int offset) {
        start();
        Libcrypto.check("HMAC_Final", api.HMAC_Final.call(pinned(1, result), out(2, resultLength), ctx, 0, 0));
        started = false;
        System.arraycopy(result, 0, out, offset, getBlockSize());
    }

    /** The next message under the same key, unless one is under way. */
    private void start() {
        if (!started) {
            Libcrypto.check("HMAC_Init_ex", api.HMAC_Init_ex.call(ctx, 0, 0, 0, 0));
            started = true;
        }
    }

    @Override
    public String getAlgorithm() {
        return builtin.getAlgorithm();
    }

    @Override
    public int getBlockSize() {
        return builtin.getBlockSize();
    }

    @Override
    public int getDefaultBlockSize() {
        return builtin.getDefaultBlockSize();
    }

    @Override
    public boolean isEncryptThenMac() {
        return builtin.isEncryptThenMac();
    }

    @Override
    public String toString() {
        return builtin.getName() + " (libcrypto)";
    }
}
