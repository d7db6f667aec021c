// The transport's ciphers, MACs and X25519 from OpenSSL's libcrypto, the library OpenSSH's sshd encrypts with, when it loads.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import java.lang.ref.Cleaner;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Pinned;
import jnr.ffi.byref.PointerByReference;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.AbstractDH;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.DHFactory;
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
     * The functions OpenSSH's cipher.c, cipher-chachapoly-libcrypto.c and mac.c call, and the
     * EVP_PKEY ones for X25519. Public only
     * because jnr-ffi implements it in another class loader.
     */
    public interface Api {
        Pointer EVP_CIPHER_CTX_new();

        void EVP_CIPHER_CTX_free(Pointer ctx);

        Pointer EVP_aes_128_gcm();

        Pointer EVP_aes_256_gcm();

        Pointer EVP_aes_128_ctr();

        Pointer EVP_aes_192_ctr();

        Pointer EVP_aes_256_ctr();

        Pointer EVP_chacha20();

        int EVP_CipherInit_ex(Pointer ctx, Pointer cipher, Pointer engine, @In byte[] key, @In byte[] iv, int enc);

        int EVP_CIPHER_CTX_ctrl(Pointer ctx, int type, int arg, @In @Out byte[] ptr);

        /** Returns the bytes written, or -1 (for GCM's final call, when the tag does not match). */
        int EVP_Cipher(Pointer ctx, @Pinned @Out ByteBuffer out, @Pinned @In ByteBuffer in, int length);

        Pointer EVP_MAC_fetch(Pointer libraryContext, String algorithm, Pointer properties);

        Pointer EVP_MAC_CTX_new(Pointer mac);

        void EVP_MAC_CTX_free(Pointer ctx);

        int EVP_MAC_init(Pointer ctx, @In byte[] key, long keyLength, Pointer params);

        int EVP_MAC_update(Pointer ctx, @Pinned @In ByteBuffer data, long length);

        int EVP_MAC_final(Pointer ctx, @Out byte[] out, @Out long[] written, long size);

        Pointer EVP_md5();

        Pointer EVP_sha1();

        Pointer EVP_sha256();

        Pointer EVP_sha512();

        Pointer HMAC_CTX_new();

        void HMAC_CTX_free(Pointer ctx);

        /** With a null key and digest, starts the next message under the same key. */
        int HMAC_Init_ex(Pointer ctx, @In byte[] key, int keyLength, Pointer digest, Pointer engine);

        int HMAC_Update(Pointer ctx, @Pinned @In ByteBuffer data, long length);

        int HMAC_Final(Pointer ctx, @Out byte[] out, @Out int[] written);

        Pointer EVP_PKEY_CTX_new_id(int type, Pointer engine);

        Pointer EVP_PKEY_CTX_new(Pointer key, Pointer engine);

        void EVP_PKEY_CTX_free(Pointer ctx);

        int EVP_PKEY_keygen_init(Pointer ctx);

        int EVP_PKEY_keygen(Pointer ctx, PointerByReference key);

        Pointer EVP_PKEY_new_raw_public_key(int type, Pointer engine, @In byte[] key, long length);

        int EVP_PKEY_get_raw_public_key(Pointer key, @Out byte[] out, @In @Out long[] length);

        void EVP_PKEY_free(Pointer key);

        int EVP_PKEY_derive_init(Pointer ctx);

        int EVP_PKEY_derive_set_peer(Pointer ctx, Pointer peer);

        int EVP_PKEY_derive(Pointer ctx, @Out byte[] secret, @In @Out long[] length);

        /** With 0, OPENSSL_VERSION: "OpenSSL 3.0.17 1 Jul 2025". */
        String OpenSSL_version(int type);
    }

    private static final String SONAME = "libcrypto.so.3";
    /** Frees each cipher's and MAC's native contexts once MINA has dropped it, after a rekey or at the end. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Optional<Library> LIBRARY = load();
    private static final Map<BuiltinCiphers, BiFunction<Library, BuiltinCiphers, Cipher>> CIPHERS = Map.of(
            BuiltinCiphers.aes128gcm, (lib, b) -> new LibcryptoGcm(lib.api(), b, lib.api().EVP_aes_128_gcm()),
            BuiltinCiphers.aes256gcm, (lib, b) -> new LibcryptoGcm(lib.api(), b, lib.api().EVP_aes_256_gcm()),
            BuiltinCiphers.cc20p1305_openssh,
            (lib, b) -> new LibcryptoChaChaPoly(lib.api(), lib.api().EVP_chacha20(), lib.poly1305()),
            BuiltinCiphers.aes128ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_128_ctr()),
            BuiltinCiphers.aes192ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_192_ctr()),
            BuiltinCiphers.aes256ctr, (lib, b) -> new LibcryptoCtr(lib.api(), b, lib.api().EVP_aes_256_ctr()));
    /** Every HMAC MINA has, by its digest; the -96 ones send the digest's first 12 bytes. */
    private static final Map<BuiltinMacs, Function<Api, Pointer>> HMACS = Map.of(
            BuiltinMacs.hmacmd5, Api::EVP_md5, BuiltinMacs.hmacmd596, Api::EVP_md5,
            BuiltinMacs.hmacsha1, Api::EVP_sha1, BuiltinMacs.hmacsha196, Api::EVP_sha1,
            BuiltinMacs.hmacsha1etm, Api::EVP_sha1,
            BuiltinMacs.hmacsha256, Api::EVP_sha256, BuiltinMacs.hmacsha256etm, Api::EVP_sha256,
            BuiltinMacs.hmacsha512, Api::EVP_sha512, BuiltinMacs.hmacsha512etm, Api::EVP_sha512);

    /** The bound library and its Poly1305 implementation, fetched once. */
    private record Library(Api api, Pointer poly1305) {}

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
                : factory(builtin, () -> new LibcryptoHmac(LIBRARY.get().api(), builtin, digest.apply(LIBRARY.get().api())));
    }

    /** The key exchange: curve25519-sha256 (both names) on libcrypto's X25519 where the library loaded, MINA's otherwise. */
    static DHFactory kex(DHFactory builtin) {
        if (LIBRARY.isEmpty() || builtin != BuiltinDHFactories.curve25519 && builtin != BuiltinDHFactories.curve25519_libssh) {
            return builtin;
        }
        Api api = LIBRARY.get().api();
        final class Factory implements DHFactory {
            @Override
            public String getName() {
                return builtin.getName();
            }

            @Override
            public boolean isGroupExchange() {
                return false;
            }

            @Override
            public boolean isSupported() {
                return true;
            }

            @Override
            public AbstractDH create(Object... params) {
                return new LibcryptoX25519(api);
            }

            @Override
            public String toString() {
                return builtin.getName() + " (libcrypto)";
            }
        }
        return new Factory();
    }

    /**
     * libcrypto.so.3, with every function called here found now rather than in the middle of a
     * session. Found, not bound: jnr-ffi builds a function's invoker on its first call, and a
     * session calls about half of them (one cipher's, one MAC's or none, X25519's). Binding all
     * 38 at load (failImmediately) took 44-62 ms of a transport's CPU, loading without it 7-10.
     */
    private static Optional<Library> load() {
        try {
            Api api = LibraryLoader.create(Api.class).load(SONAME);
            Optional<String> missing = missingFunction(SONAME);
            if (missing.isPresent()) {
                log.verbose("%s has no %s; using MINA's ciphers and MACs", SONAME, missing.get());
                return Optional.empty();
            }
            Pointer poly1305 = api.EVP_MAC_fetch(null, "POLY1305", null);
            if (poly1305 == null || Stream.<Function<Api, Pointer>>of(Api::EVP_aes_128_gcm, Api::EVP_aes_256_gcm,
                    Api::EVP_aes_128_ctr, Api::EVP_aes_192_ctr, Api::EVP_aes_256_ctr, Api::EVP_chacha20, Api::EVP_md5,
                    Api::EVP_sha1, Api::EVP_sha256, Api::EVP_sha512).anyMatch(algorithm -> algorithm.apply(api) == null)) {
                log.verbose("libcrypto lacks an algorithm the transport takes from it; using MINA's ciphers and MACs");
                return Optional.empty();
            }
            log.debug1("ciphers, MACs and X25519 from %s", api.OpenSSL_version(0));
            return Optional.of(new Library(api, poly1305));
        } catch (LinkageError e) {
            log.verbose("%s not loaded (%s); using MINA's ciphers and MACs", SONAME, e.getMessage());
            return Optional.empty();
        }
    }

    /** The first function of {@link Api} that the library does not export (dlsym), if any. */
    static Optional<String> missingFunction(String library) {
        com.kenai.jffi.Library handle = com.kenai.jffi.Library.getCachedInstance(library,
                com.kenai.jffi.Library.LAZY | com.kenai.jffi.Library.GLOBAL);
        if (handle == null) {
            throw new UnsatisfiedLinkError(com.kenai.jffi.Library.getLastError());
        }
        return Arrays.stream(Api.class.getMethods()).map(Method::getName)
                .filter(name -> handle.getSymbolAddress(name) == 0).findFirst();
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

    /** libcrypto's calls return 1 (or a positive count) on success, 0 or -1 on failure. */
    static void check(String call, int rc) {
        if (rc <= 0) {
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
        final Pointer type;
        private final BuiltinCiphers builtin;

        EvpCipher(Api api, BuiltinCiphers builtin, Pointer type) {
            this.api = api;
            this.builtin = builtin;
            this.type = type;
        }

        /** A new context for this cipher, freed with it. */
        final Pointer cipherContext() {
            Pointer ctx = api.EVP_CIPHER_CTX_new();
            if (ctx == null) {
                throw new IllegalStateException("EVP_CIPHER_CTX_new failed");
            }
            Api a = api; // the cleaning action must not hold the cipher
            freeWith(this, () -> a.EVP_CIPHER_CTX_free(ctx));
            return ctx;
        }

        /** A new context of the given MAC, freed with this cipher. */
        final Pointer macContext(Pointer mac) {
            Pointer ctx = api.EVP_MAC_CTX_new(mac);
            if (ctx == null) {
                throw new IllegalStateException("EVP_MAC_CTX_new failed");
            }
            Api a = api;
            freeWith(this, () -> a.EVP_MAC_CTX_free(ctx));
            return ctx;
        }

        /**
         * A new context for the algorithm under MINA's key, of which the first {@link #getKdfSize}
         * bytes are the cipher's (MINA derives more, as hash output), with the IV given or none yet.
         */
        final Pointer keyed(byte[] key, byte[] iv, boolean encrypt) {
            Pointer ctx = cipherContext();
            byte[] k = Arrays.copyOf(key, getKdfSize());
            check("EVP_CipherInit_ex", api.EVP_CipherInit_ex(ctx, type, null, k, iv, encrypt ? 1 : 0));
            Arrays.fill(k, (byte) 0);
            return ctx;
        }

        /** Encrypts or decrypts length bytes of data in place, with the array pinned rather than copied. */
        final void crypt(Pointer ctx, byte[] data, int offset, int length) {
            ByteBuffer bytes = ByteBuffer.wrap(data, offset, length);
            if (api.EVP_Cipher(ctx, bytes, bytes, length) < 0) {
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
