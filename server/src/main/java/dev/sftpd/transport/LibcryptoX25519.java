// curve25519-sha256 (RFC 8731) and the X25519 half of the hybrid exchanges OpenSSH's clients pick first, on libcrypto's X25519.
package dev.sftpd.transport;

import static dev.sftpd.sftp.posix.CFunction.Array.in;
import static dev.sftpd.sftp.posix.CFunction.Array.inOut;
import static dev.sftpd.sftp.posix.CFunction.Array.out;
import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import dev.sftpd.sftp.posix.CFunction;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.CurveSizeIndicator;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's XDH takes X25519 from the JDK, whose field arithmetic is Java: in a fresh transport,
 * interpreted and then C1-compiled, one exchange (a key pair and a shared secret) cost about
 * 60 ms of CPU on the connection's set-up path (docs/BENCHMARKS.md); libcrypto's takes well
 * under one. The server's half as OpenSSH's kexc25519.c: a fresh key pair from libcrypto's
 * random generator, the client's public key exactly 32 bytes, the shared secret sent to the
 * exchange hash as an mpint (so leading zero bytes dropped), never all zero (X25519 in
 * libcrypto refuses a low-order point, RFC 7748 section 6.1). In sntrup761x25519-sha512 as
 * OpenSSH's kexsntrup761x25519.c, and mlkem768x25519-sha256 as its kexmlkem768x25519.c: the KEM
 * (Sntrup761, ML-KEM) encapsulates against the first part of the client's blob, MINA's DHGServer
 * sends its ciphertext before our X25519 key, and the shared secret is SHA-512 (SHA-256) over the
 * KEM's key and X25519's 32 bytes as they are. MINA's own hybrids would take X25519 from the JDK.
 */
final class LibcryptoX25519 extends AbstractDH implements CurveSizeIndicator {
    /** NID_X25519, EVP_PKEY_X25519 in openssl/obj_mac.h. */
    static final int EVP_PKEY_X25519 = 1034;
    static final int KEY_SIZE = 32;

    private final Libcrypto.Api api;
    /**
     * The KEM of a hybrid exchange (sntrup761x25519-sha512, mlkem768x25519-sha256), or null: the
     * client's blob is then its public key and X25519's, and the shared secret goes to the
     * exchange's hash after the KEM's as it is.
     */
    private final KeyEncapsulationMethod kem;
    private final BuiltinDigests hash;
    /** Our key pair (EVP_PKEY), made by {@link #calculateE}; freed with this object. */
    private long key;
    private byte[] peer;

    LibcryptoX25519(Libcrypto.Api api, KeyEncapsulationMethod kem, BuiltinDigests hash) {
        this.api = api;
        this.kem = kem;
        this.hash = hash;
    }

    @Override
    protected byte[] calculateE() {
        long ctx = api.EVP_PKEY_CTX_new_id.call(EVP_PKEY_X25519, 0);
        if (ctx == 0) {
            throw new IllegalStateException("EVP_PKEY_CTX_new_id(X25519) failed");
        }
        try {
            Libcrypto.check("EVP_PKEY_keygen_init", api.EVP_PKEY_keygen_init.call(ctx));
            long[] made = {0}; // read too: a key there would be generated into, not replaced
            Libcrypto.check("EVP_PKEY_keygen", api.EVP_PKEY_keygen.call(inOut(1, made), ctx, 0));
            key = made[0];
        } finally {
            api.EVP_PKEY_CTX_free.call(ctx);
        }
        CFunction free = api.EVP_PKEY_free; // the cleaning action must not hold this object
        long k = key;
        Libcrypto.freeWith(this, () -> free.call(k));
        byte[] pub = new byte[KEY_SIZE];
        long[] length = {pub.length};
        Libcrypto.check("EVP_PKEY_get_raw_public_key",
                api.EVP_PKEY_get_raw_public_key.call(out(1, pub), inOut(2, length), key, 0, 0));
        if (length[0] != KEY_SIZE) {
            throw new IllegalStateException("X25519 public key of " + length[0] + " bytes");
        }
        return pub;
    }

    @Override
    public void setF(byte[] f) {
        peer = f.clone();
    }

    @Override
    protected byte[] calculateK() throws Exception {
        if (key == 0 || peer == null) {
            throw new IllegalStateException("X25519: no key pair or no client key yet");
        }
        if (peer.length != KEY_SIZE) {
            // OpenSSH: "incorrect signature" (SSH_ERR_SIGNATURE_INVALID) for a client key of the wrong size.
            throw new IllegalArgumentException("X25519 client key of " + peer.length + " bytes, not " + KEY_SIZE);
        }
        long peerKey = api.EVP_PKEY_new_raw_public_key.call(in(2, peer), EVP_PKEY_X25519, 0, 0, peer.length);
        if (peerKey == 0) {
            throw new IllegalArgumentException("X25519 client key refused by libcrypto");
        }
        long ctx = api.EVP_PKEY_CTX_new.call(key, 0);
        try {
            if (ctx == 0) {
                throw new IllegalStateException("EVP_PKEY_CTX_new failed");
            }
            Libcrypto.check("EVP_PKEY_derive_init", api.EVP_PKEY_derive_init.call(ctx));
            Libcrypto.check("EVP_PKEY_derive_set_peer", api.EVP_PKEY_derive_set_peer.call(ctx, peerKey));
            byte[] secret = new byte[KEY_SIZE];
            long[] length = {secret.length};
            // Fails for a client key of low order, whose shared secret would be all zero. Pinned, so
            // that the secret is in no native buffer left uncleared.
            Libcrypto.check("EVP_PKEY_derive", api.EVP_PKEY_derive.call(pinned(1, secret), inOut(2, length), ctx, 0, 0));
            if (length[0] != KEY_SIZE) {
                throw new IllegalStateException("X25519 shared secret of " + length[0] + " bytes");
            }
            return kem == null ? stripLeadingZeroes(secret) : secret;
        } finally {
            api.EVP_PKEY_CTX_free.call(ctx);
            api.EVP_PKEY_free.call(peerKey);
        }
    }

    /** Q_C and Q_S are strings, not mpints (RFC 8731 section 3). */
    @Override
    public void putE(Buffer buffer, byte[] e) {
        buffer.putBytes(e);
    }

    @Override
    public void putF(Buffer buffer, byte[] f) {
        buffer.putBytes(f);
    }

    @Override
    public Digest getHash() {
        return hash.create();
    }

    @Override
    public KeyEncapsulationMethod getKeyEncapsulation() {
        return kem;
    }

    @Override
    public int getByteLength() {
        return KEY_SIZE;
    }

    @Override
    public String toString() {
        return "X25519 (libcrypto)";
    }
}
