// The transport's ciphers, MACs and X25519 from OpenSSL's libcrypto, the library OpenSSH's sshd encrypts with, when it loads.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import static dev.sftpd.sftp.posix.CFunction.Array.in;
import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import dev.sftpd.sftp.posix.CFunction;
import dev.sftpd.sftp.posix.CLibrary;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;

/**
 * Why not the JDK's: the transport runs C1 alone (compiling with C2 cost each fresh transport a
 * third of its CPU in its first seconds), and only C2 has the JDK's AES, GHASH and SHA
 * intrinsics; JDK 17 has none for ChaCha20 or Poly1305 at all. MINA's chacha20-poly1305 in Java
 * costs 4.3 CPU-seconds per GiB even compiled by C2, libcrypto's 0.5 (docs/BENCHMARKS.md). The
 * same holds for the JDK's X25519 (see LibcryptoX25519). The library is in every Debian system
 * that has OpenSSH's server; where it does not load, or lacks a function called here, the
 * transport keeps MINA's ciphers, MACs and key exchanges.
 */
public final class Libcrypto {
    private static final SshLog log = SshLog.get(Libcrypto.class);

    /**
     * The functions OpenSSH's cipher.c, cipher-chachapoly-libcrypto.c and mac.c call, the
     * EVP_PKEY ones for X25519, and randomness and SHA-512 for sntrup761, each named as in C
     * and found in the library when it is loaded. Pointers are addresses (0 for NULL).
     */
    static final class Api extends CLibrary {
        final CFunction EVP_CIPHER_CTX_new = pointer("EVP_CIPHER_CTX_new");
        final CFunction EVP_CIPHER_CTX_free = function("EVP_CIPHER_CTX_free", Type.VOID, Type.POINTER);
        final CFunction EVP_aes_128_gcm = pointer("EVP_aes_128_gcm");
        final CFunction EVP_aes_256_gcm = pointer("EVP_aes_256_gcm");
        final CFunction EVP_aes_128_ctr = pointer("EVP_aes_128_ctr");
        final CFunction EVP_aes_192_ctr = pointer("EVP_aes_192_ctr");
        final CFunction EVP_aes_256_ctr = pointer("EVP_aes_256_ctr");
        final CFunction EVP_chacha20 = pointer("EVP_chacha20");
        /** (ctx, cipher, engine, key, iv, enc) */
        final CFunction EVP_CipherInit_ex = function("EVP_CipherInit_ex", Type.SINT, Type.POINTER, Type.POINTER,
                Type.POINTER, Type.POINTER, Type.POINTER, Type.SINT);
        /** (ctx, type, arg, ptr) */
        final CFunction EVP_CIPHER_CTX_ctrl = function("EVP_CIPHER_CTX_ctrl", Type.SINT, Type.POINTER, Type.SINT,
                Type.SINT, Type.POINTER);
        /** (ctx, out, in, length): the bytes written, or -1 (for GCM's final call, when the tag does not match). */
        final CFunction EVP_Cipher = function("EVP_Cipher", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER,
                Type.UINT);
        /** (library context, algorithm name, properties) */
        final CFunction EVP_MAC_fetch = function("EVP_MAC_fetch", Type.POINTER, Type.POINTER, Type.POINTER,
                Type.POINTER);
        final CFunction EVP_MAC_CTX_new = function("EVP_MAC_CTX_new", Type.POINTER, Type.POINTER);
        final CFunction EVP_MAC_CTX_free = function("EVP_MAC_CTX_free", Type.VOID, Type.POINTER);
        /** (ctx, key, key length, params) */
        final CFunction EVP_MAC_init = function("EVP_MAC_init", Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG,
                Type.POINTER);
        /** (ctx, data, length) */
        final CFunction EVP_MAC_update = function("EVP_MAC_update", Type.SINT, Type.POINTER, Type.POINTER,
                Type.ULONG);
        /** (ctx, out, size_t *written, out size) */
        final CFunction EVP_MAC_final = function("EVP_MAC_final", Type.SINT, Type.POINTER, Type.POINTER,
                Type.POINTER, Type.ULONG);
        final CFunction EVP_md5 = pointer("EVP_md5");
        final CFunction EVP_sha1 = pointer("EVP_sha1");
        final CFunction EVP_sha256 = pointer("EVP_sha256");
        final CFunction EVP_sha512 = pointer("EVP_sha512");
        final CFunction HMAC_CTX_new = pointer("HMAC_CTX_new");
        final CFunction HMAC_CTX_free = function("HMAC_CTX_free", Type.VOID, Type.POINTER);
        /** (ctx, key, key length, digest, engine); with a null key and digest, starts the next message under the same key. */
        final CFunction HMAC_Init_ex = function("HMAC_Init_ex", Type.SINT, Type.POINTER, Type.POINTER, Type.SINT,
                Type.POINTER, Type.POINTER);
        /** (ctx, data, length) */
        final CFunction HMAC_Update = function("HMAC_Update", Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
        /** (ctx, out, unsigned int *written) */
        final CFunction HMAC_Final = function("HMAC_Final", Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER);
        /** (type, engine) */
        final CFunction EVP_PKEY_CTX_new_id = function("EVP_PKEY_CTX_new_id", Type.POINTER, Type.SINT,
                Type.POINTER);
        /** (key, engine) */
        final CFunction EVP_PKEY_CTX_new = function("EVP_PKEY_CTX_new", Type.POINTER, Type.POINTER, Type.POINTER);
        final CFunction EVP_PKEY_CTX_free = function("EVP_PKEY_CTX_free", Type.VOID, Type.POINTER);
        final CFunction EVP_PKEY_keygen_init = function("EVP_PKEY_keygen_init", Type.SINT, Type.POINTER);
        /** (ctx, EVP_PKEY **key) */
        final CFunction EVP_PKEY_keygen = function("EVP_PKEY_keygen", Type.SINT, Type.POINTER, Type.POINTER);
        /** (type, engine, key, length) */
        final CFunction EVP_PKEY_new_raw_public_key = function("EVP_PKEY_new_raw_public_key", Type.POINTER,
                Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
        /** (key, out, size_t *length: the room in, the bytes written out) */
        final CFunction EVP_PKEY_get_raw_public_key = function("EVP_PKEY_get_raw_public_key", Type.SINT,
                Type.POINTER, Type.POINTER, Type.POINTER);
        final CFunction EVP_PKEY_free = function("EVP_PKEY_free", Type.VOID, Type.POINTER);
        final CFunction EVP_PKEY_derive_init = function("EVP_PKEY_derive_init", Type.SINT, Type.POINTER);
        /** (ctx, peer key) */
        final CFunction EVP_PKEY_derive_set_peer = function("EVP_PKEY_derive_set_peer", Type.SINT, Type.POINTER,
                Type.POINTER);
        /** (ctx, secret, size_t *length: the room in, the bytes written out) */
        final CFunction EVP_PKEY_derive = function("EVP_PKEY_derive", Type.SINT, Type.POINTER, Type.POINTER,
                Type.POINTER);
        /** (out, length) */
        final CFunction RAND_bytes = function("RAND_bytes", Type.SINT, Type.POINTER, Type.SINT);
        /** (data, length, out, unsigned int *written, digest, engine) */
        final CFunction EVP_Digest = function("EVP_Digest", Type.SINT, Type.POINTER, Type.ULONG, Type.POINTER,
                Type.POINTER, Type.POINTER, Type.POINTER);
        /** With 0, OPENSSL_VERSION: "OpenSSL 3.0.17 1 Jul 2025". */
        final CFunction OpenSSL_version = function("OpenSSL_version", Type.POINTER, Type.SINT);

        /** @throws UnsatisfiedLinkError when the library does not load, or naming the first function it lacks */
        Api(String soname) {
            super(soname);
        }

        private CFunction pointer(String name) {
            return function(name, Type.POINTER);
        }
    }

    private static final String SONAME = "libcrypto.so.3";
    /** Frees each cipher's and MAC's native contexts once MINA has dropped it, after a rekey or at the end. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Optional<Library> LIBRARY = load();
    private static final Map<BuiltinCiphers, BiFunction<Library, BuiltinCiphers, Cipher>> CIPHERS = Map.of(
            BuiltinCiphers.aes128gcm, (lib, b) -> new LibcryptoGcm(lib.api(), b, lib.api().EVP_aes_128_gcm.call()),
            BuiltinCiphers.aes256gcm, (lib, b) -> new LibcryptoGcm(lib.api(), b, lib.api().EVP_aes_256_gcm.call()),
            BuiltinCiphers.cc20p1305_openssh,
            (lib, b) -> new LibcryptoChaChaPoly(lib.api(), lib.api().EVP_chacha20.call(), lib.poly1305()),
            BuiltinCiphers.aes128ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_128_ctr.call()),
            BuiltinCiphers.aes192ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_192_ctr.call()),
            BuiltinCiphers.aes256ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_256_ctr.call()));
    /** Every HMAC MINA has, by its digest; the -96 ones send the digest's first 12 bytes. */
    private static final Map<BuiltinMacs, Function<Api, CFunction>> HMACS = Map.of(
            BuiltinMacs.hmacmd5, api -> api.EVP_md5, BuiltinMacs.hmacmd596, api -> api.EVP_md5,
            BuiltinMacs.hmacsha1, api -> api.EVP_sha1, BuiltinMacs.hmacsha196, api -> api.EVP_sha1,
            BuiltinMacs.hmacsha1etm, api -> api.EVP_sha1,
            BuiltinMacs.hmacsha256, api -> api.EVP_sha256, BuiltinMacs.hmacsha256etm, api -> api.EVP_sha256,
            BuiltinMacs.hmacsha512, api -> api.EVP_sha512, BuiltinMacs.hmacsha512etm, api -> api.EVP_sha512);

    /** The bound library and its Poly1305 implementation, fetched once. */
    private record Library(Api api, long poly1305) {}

    private Libcrypto() {}

    /** The cipher: libcrypto's where this class has it and the library loaded, MINA's otherwise. */
    static NamedFactory<Cipher> cipher(BuiltinCiphers builtin) {
        var create = CIPHERS.get(builtin);
        return create == null || LIBRARY.isEmpty() ? builtin
                : factory(builtin, () -> create.apply(LIBRARY.get(), builtin));
    }

    /** The MAC: libcrypto's HMAC where the library loaded, MINA's otherwise. */
    static NamedFactory<Mac> mac(BuiltinMacs builtin) {
        var digest = HMACS.get(builtin);
        return digest == null || LIBRARY.isEmpty() ? builtin
                : factory(builtin, () -> new LibcryptoHmac(LIBRARY.get().api(), builtin, digest.apply(LIBRARY.get().api()).call()));
    }

    /**
     * The key exchange, where the library loaded (MINA's otherwise): curve25519-sha256 (both
     * names) on libcrypto's X25519; sntrup761x25519-sha512 (both names) on it and our Sntrup761;
     * mlkem768x25519-sha256 (OpenSSH 9.9's first choice) on it and MINA's ML-KEM (Bouncy Castle's).
     */
    static DHFactory kex(DHFactory builtin) {
        if (LIBRARY.isEmpty()) {
            return builtin;
        }
        Api api = LIBRARY.get().api();
        KeyEncapsulationMethod kem;
        BuiltinDigests hash;
        if (builtin == BuiltinDHFactories.curve25519 || builtin == BuiltinDHFactories.curve25519_libssh) {
            kem = null;
            hash = BuiltinDigests.sha256;
        } else if (builtin == BuiltinDHFactories.sntrup761x25519
                || builtin == BuiltinDHFactories.sntrup761x25519_openssh) {
            kem = new Sntrup761(api);
            hash = BuiltinDigests.sha512;
        } else if (builtin == BuiltinDHFactories.mlkem768x25519) {
            kem = BuiltinKEM.mlkem768;
            hash = BuiltinDigests.sha256;
        } else {
            return builtin;
        }
        final class Factory implements DHFactory {
            @Override
            public String getName() {
                return builtin.getName();
            }

            @Override
            public boolean isGroupExchange() {
                return false;
            }

            /** MINA's answer, which TransportServer has already filtered on (ML-KEM needs Bouncy Castle). */
            @Override
            public boolean isSupported() {
                return builtin.isSupported();
            }

            @Override
            public AbstractDH create(Object... params) {
                return new LibcryptoX25519(api, kem, hash);
            }

            @Override
            public String toString() {
                return builtin.getName() + " (libcrypto)";
            }
        }
        return new Factory();
    }

    /** libcrypto.so.3, with every function called here found in it, and the algorithms taken from it fetched. */
    private static Optional<Library> load() {
        try {
            Api api = new Api(SONAME);
            long poly1305 = api.EVP_MAC_fetch.call(in(1, "POLY1305\0".getBytes(StandardCharsets.US_ASCII)), 0, 0, 0);
            if (poly1305 == 0 || Stream.of(api.EVP_aes_128_gcm, api.EVP_aes_256_gcm, api.EVP_aes_128_ctr,
                    api.EVP_aes_192_ctr, api.EVP_aes_256_ctr, api.EVP_chacha20, api.EVP_md5, api.EVP_sha1,
                    api.EVP_sha256, api.EVP_sha512).anyMatch(algorithm -> algorithm.call() == 0)) {
                log.verbose("libcrypto lacks an algorithm the transport takes from it; using MINA's ciphers and MACs");
                return Optional.empty();
            }
            byte[] version = MemoryIO.getInstance().getZeroTerminatedByteArray(api.OpenSSL_version.call(0));
            log.debug1("ciphers, MACs and X25519 from %s", new String(version, StandardCharsets.US_ASCII));
            return Optional.of(new Library(api, poly1305));
        } catch (LinkageError e) {
            log.verbose("%s not loaded (%s); using MINA's ciphers and MACs", SONAME, e.getMessage());
            return Optional.empty();
        }
    }

    /** MINA's factory in all but what it creates, so that the name and sizes are MINA's. */
    private static <T> NamedFactory<T> factory(NamedResource builtin, Supplier<T> create) {
        final class Factory implements NamedFactory<T> {
            @Override
            public String getName() {
                return builtin.getName();
            }

            @Override
            public T create() {
                return create.get();
            }

            @Override
            public String toString() {
                return builtin.getName() + " (libcrypto)";
            }
        }
        return new Factory();
    }

    /** libcrypto's calls return 1 (or a positive count) on success, 0 or -1 on failure: a C int. */
    static void check(String call, long rc) {
        if ((int) rc <= 0) {
            throw new IllegalStateException(call + " failed");
        }
    }

    /** Frees a native context when its owner, which the action must not hold, is unreachable. */
    static void freeWith(Object owner, Runnable free) {
        CLEANER.register(owner, free);
    }

    /**
     * What every cipher here shares: MINA's name and sizes for the algorithm, and native contexts
     * freed when MINA drops the cipher (after a rekey, or at the end of the connection).
     */
    abstract static class EvpCipher implements Cipher {
        final Api api;
        /** libcrypto's algorithm (EVP_CIPHER) for the cipher's contexts. */
        final long type;
        private final BuiltinCiphers builtin;

        EvpCipher(Api api, BuiltinCiphers builtin, long type) {
            this.api = api;
            this.builtin = builtin;
            this.type = type;
        }

        /** A new context for this cipher, freed with it. */
        final long cipherContext() {
            long ctx = api.EVP_CIPHER_CTX_new.call();
            if (ctx == 0) {
                throw new IllegalStateException("EVP_CIPHER_CTX_new failed");
            }
            CFunction free = api.EVP_CIPHER_CTX_free; // the cleaning action must not hold the cipher
            freeWith(this, () -> free.call(ctx));
            return ctx;
        }

        /** A new context of the given MAC, freed with this cipher. */
        final long macContext(long mac) {
            long ctx = api.EVP_MAC_CTX_new.call(mac);
            if (ctx == 0) {
                throw new IllegalStateException("EVP_MAC_CTX_new failed");
            }
            CFunction free = api.EVP_MAC_CTX_free;
            freeWith(this, () -> free.call(ctx));
            return ctx;
        }

        /**
         * A new context for the algorithm under MINA's key, of which the first {@link #getKdfSize}
         * bytes are the cipher's (MINA derives more, as hash output), with the IV given or none yet.
         */
        final long keyed(byte[] key, byte[] iv, boolean encrypt) {
            long ctx = cipherContext();
            byte[] k = Arrays.copyOf(key, getKdfSize());
            // Pinned, so that no copy of the key is left in memory that is not cleared.
            check("EVP_CipherInit_ex", api.EVP_CipherInit_ex.call(pinned(3, k), in(4, iv), ctx, type, 0, 0, 0,
                    encrypt ? 1 : 0));
            Arrays.fill(k, (byte) 0);
            return ctx;
        }

        /** Encrypts or decrypts length bytes of data in place, with the array pinned rather than copied. */
        final void crypt(long ctx, byte[] data, int offset, int length) {
            CFunction.Array bytes = pinned(1, data, offset, length);
            if ((int) api.EVP_Cipher.call(bytes, bytes.at(2), ctx, 0, 0, length) < 0) {
                throw new IllegalStateException("EVP_Cipher failed");
            }
        }

        @Override
        public String getAlgorithm() {
            return builtin.getAlgorithm();
        }

        @Override
        public String getTransformation() {
            return builtin.getTransformation();
        }

        @Override
        public int getIVSize() {
            return builtin.getIVSize();
        }

        @Override
        public int getAuthenticationTagSize() {
            return builtin.getAuthenticationTagSize();
        }

        @Override
        public int getCipherBlockSize() {
            return builtin.getCipherBlockSize();
        }

        @Override
        public int getKdfSize() {
            return builtin.getKdfSize();
        }

        @Override
        public int getKeySize() {
            return builtin.getKeySize();
        }

        @Override
        public String toString() {
            return builtin.getName() + " (libcrypto)";
        }
    }
}
