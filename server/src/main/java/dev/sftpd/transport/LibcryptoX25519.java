// curve25519-sha256 (RFC 8731), the key exchange OpenSSH's clients pick, on libcrypto's X25519.
package dev.sftpd.transport;

import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.CurveSizeIndicator;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's XDH takes X25519 from the JDK, whose field arithmetic is Java: in a fresh transport,
 * interpreted and then C1-compiled, one exchange (a key pair and a shared secret) cost about
 * 60 ms of CPU on the connection's set-up path (docs/BENCHMARKS.md); libcrypto's takes well
 * under one. The server's half as OpenSSH's kexc25519.c: a fresh key pair from libcrypto's
 * random generator, the client's public key exactly 32 bytes, the shared secret sent to the
 * exchange hash as an mpint (so leading zero bytes dropped), never all zero (X25519 in
 * libcrypto refuses a low-order point, RFC 7748 section 6.1).
 */
final class LibcryptoX25519 extends AbstractDH implements CurveSizeIndicator {
    /** NID_X25519, EVP_PKEY_X25519 in openssl/obj_mac.h. */
    static final int EVP_PKEY_X25519 = 1034;
    static final int KEY_SIZE = 32;

    private final Libcrypto.Api api;
    /** Our key pair (EVP_PKEY), made by {@link #calculateE}; freed with this object. */
    private Pointer key;
    private byte[] peer;

    LibcryptoX25519(Libcrypto.Api api) {
        this.api = api;
    }

    @Override
    protected byte[] calculateE() {
        Pointer ctx = api.EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, null);
        if (ctx == null) {
            throw new IllegalStateException("EVP_PKEY_CTX_new_id(X25519) failed");
        }
        try {
            Libcrypto.check("EVP_PKEY_keygen_init", api.EVP_PKEY_keygen_init(ctx));
            PointerByReference made = new PointerByReference();
            Libcrypto.check("EVP_PKEY_keygen", api.EVP_PKEY_keygen(ctx, made));
            key = made.getValue();
        } finally {
            api.EVP_PKEY_CTX_free(ctx);
        }
        Libcrypto.Api a = api; // the cleaning action must not hold this object
        Pointer k = key;
        Libcrypto.freeWith(this, () -> a.EVP_PKEY_free(k));
        byte[] pub = new byte[KEY_SIZE];
        long[] length = {pub.length};
        Libcrypto.check("EVP_PKEY_get_raw_public_key", api.EVP_PKEY_get_raw_public_key(key, pub, length));
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
        if (key == null || peer == null) {
            throw new IllegalStateException("X25519: no key pair or no client key yet");
        }
        if (peer.length != KEY_SIZE) {
            // OpenSSH: "incorrect signature" (SSH_ERR_SIGNATURE_INVALID) for a client key of the wrong size.
            throw new IllegalArgumentException("X25519 client key of " + peer.length + " bytes, not " + KEY_SIZE);
        }
        Pointer peerKey = api.EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, null, peer, peer.length);
        if (peerKey == null) {
            throw new IllegalArgumentException("X25519 client key refused by libcrypto");
        }
        Pointer ctx = api.EVP_PKEY_CTX_new(key, null);
        try {
            if (ctx == null) {
                throw new IllegalStateException("EVP_PKEY_CTX_new failed");
            }
            Libcrypto.check("EVP_PKEY_derive_init", api.EVP_PKEY_derive_init(ctx));
            Libcrypto.check("EVP_PKEY_derive_set_peer", api.EVP_PKEY_derive_set_peer(ctx, peerKey));
            byte[] secret = new byte[KEY_SIZE];
            long[] length = {secret.length};
            // Fails for a client key of low order, whose shared secret would be all zero.
            Libcrypto.check("EVP_PKEY_derive", api.EVP_PKEY_derive(ctx, secret, length));
            if (length[0] != KEY_SIZE) {
                throw new IllegalStateException("X25519 shared secret of " + length[0] + " bytes");
            }
            return stripLeadingZeroes(secret);
        } finally {
            api.EVP_PKEY_CTX_free(ctx);
            api.EVP_PKEY_free(peerKey);
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
        return BuiltinDigests.sha256.create();
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
