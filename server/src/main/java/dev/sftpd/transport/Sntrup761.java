// sntrup761 (Streamlined NTRU Prime, p 761, q 4591, w 286), the server's half: encapsulation against the client's public key.
package dev.sftpd.transport;

import static dev.sftpd.sftp.posix.CFunction.Array.pinned;

import java.util.Arrays;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;

/**
 * The key encapsulation of sntrup761x25519-sha512, which OpenSSH's clients since 9.0 pick first.
 * MINA's is Bouncy Castle's, whose multiplication reduces modulo q at each of its 579,121 steps
 * through four calls: in a fresh transport, interpreted and then C1-compiled, one encapsulation
 * took 44 ms of CPU on the connection's set-up path, and 10 ms even once compiled
 * (docs/BENCHMARKS.md). This one sums the products first and reduces each coefficient once, as
 * the NTRU Prime reference code's specification allows. Only the server's operation is here: a
 * transport never makes a key pair.
 *
 * <p>What depends on the secret polynomial r takes the same path whatever r is: r is drawn by a
 * sorting network over random words (no data-dependent branch or index), multiplied by every
 * coefficient of h, and reduced by multiplication, never by division. The client's public key
 * and the ciphertext, both public, are decoded and encoded with plain arithmetic.
 */
final class Sntrup761 implements KeyEncapsulationMethod {
    static final int P = 761;
    static final int Q = 4591;
    static final int W = 286;
    private static final int Q12 = (Q - 1) / 2;
    static final int PUBLIC_KEY_BYTES = 1158;
    private static final int ROUNDED_BYTES = 1007;
    private static final int SMALL_BYTES = (P + 3) / 4;
    private static final int HASH_BYTES = 32;
    static final int CIPHERTEXT_BYTES = ROUNDED_BYTES + HASH_BYTES;
    /** floor(2^32 / q): x * RECIPROCAL >> 32 is x / q or one less, for 0 <= x < 2^23. */
    private static final long RECIPROCAL = (1L << 32) / Q;
    /** A multiple of q above any sum {@link #multiply} makes (761 * 2295 < 2^21): biased by it, a sum is positive. */
    private static final int BIAS = Q * 512;

    private final Libcrypto.Api api;

    /** Randomness and SHA-512 from libcrypto: the JDK's SecureRandom mixes /dev/urandom with SHA1PRNG, in Java. */
    Sntrup761(Libcrypto.Api api) {
        this.api = api;
    }

    /** The ciphertext and the session key for a client's public key. */
    record Encapsulated(byte[] ciphertext, byte[] key) {}

    Encapsulated encapsulate(byte[] publicKey) {
        if (publicKey.length != PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("sntrup761 public key of " + publicKey.length + " bytes, not "
                    + PUBLIC_KEY_BYTES);
        }
        byte[] words = new byte[4 * P];
        Libcrypto.check("RAND_bytes", api.RAND_bytes.call(pinned(0, words), 0, words.length));
        byte[] r = shortPolynomial(words);
        byte[] rEncoded = smallEncode(r);
        int[] hr = multiply(decodePublicKey(publicKey), r);
        byte[] ciphertext = Arrays.copyOf(roundedEncode(round(hr)), CIPHERTEXT_BYTES);
        byte[] rHash = hash(3, rEncoded);
        byte[] confirm = hash(2, rHash, hash(4, publicKey));
        System.arraycopy(confirm, 0, ciphertext, ROUNDED_BYTES, HASH_BYTES);
        byte[] key = hash(1, rHash, ciphertext);
        // What would give r away: r, its encoding and hash, and h * r before rounding.
        Arrays.fill(r, (byte) 0);
        Arrays.fill(rEncoded, (byte) 0);
        Arrays.fill(rHash, (byte) 0);
        Arrays.fill(hr, 0);
        return new Encapsulated(ciphertext, key);
    }

    @Override
    public Client getClient() {
        throw new UnsupportedOperationException("sntrup761: a transport only encapsulates");
    }

    @Override
    public Server getServer() {
        return new Server() {
            private Encapsulated done;

            @Override
            public int getPublicKeyLength() {
                return PUBLIC_KEY_BYTES;
            }

            /** The client's blob: the sntrup761 public key, then the X25519 key, returned for the exchange's rest. */
            @Override
            public byte[] init(byte[] blob) {
                if (blob.length < PUBLIC_KEY_BYTES) {
                    throw new IllegalArgumentException("sntrup761 public key too short: " + blob.length + " bytes");
                }
                done = encapsulate(Arrays.copyOf(blob, PUBLIC_KEY_BYTES));
                return Arrays.copyOfRange(blob, PUBLIC_KEY_BYTES, blob.length);
            }

            @Override
            public byte[] getSecret() {
                return done.key();
            }

            @Override
            public byte[] getEncapsulation() {
                return done.ciphertext();
            }
        };
    }

    /**
     * r: w coefficients of +1 or -1, the others 0, at random places. Each of p random words (4p
     * bytes, little-endian, cleared here) has its low bits set to mark a nonzero (the first w: 0
     * or 2) or a zero (the rest: 1) and the words are sorted, which scatters the marks.
     */
    static byte[] shortPolynomial(byte[] bytes) {
        int[] words = new int[P];
        for (int i = 0; i < P; i++) {
            int word = (bytes[4 * i] & 0xff) | (bytes[4 * i + 1] & 0xff) << 8 | (bytes[4 * i + 2] & 0xff) << 16
                    | (bytes[4 * i + 3] & 0xff) << 24;
            words[i] = i < W ? word & ~1 : (word & ~3) | 1;
        }
        Arrays.fill(bytes, (byte) 0);
        sortUnsigned(words);
        byte[] r = new byte[P];
        for (int i = 0; i < P; i++) {
            r[i] = (byte) ((words[i] & 3) - 1);
        }
        Arrays.fill(words, 0);
        return r;
    }

    /** Sorts as unsigned words with djb's sorting network: the same comparisons whatever the words are. */
    static void sortUnsigned(int[] x) {
        int n = x.length;
        for (int i = 0; i < n; i++) {
            x[i] ^= Integer.MIN_VALUE;
        }
        int top = 1;
        while (top < n - top) {
            top += top;
        }
        for (int p = top; p > 0; p >>= 1) {
            for (int i = 0; i < n - p; i++) {
                if ((i & p) == 0) {
                    minMax(x, i, i + p);
                }
            }
            int i = 0;
            for (int q = top; q > p; q >>= 1) {
                for (; i < n - q; i++) {
                    if ((i & p) == 0) {
                        int a = x[i + p];
                        for (int r = q; r > p; r >>= 1) {
                            int b = x[i + r];
                            int swap = (a ^ b) & (int) (((long) b - a) >> 63);
                            a ^= swap;
                            x[i + r] = b ^ swap;
                        }
                        x[i + p] = a;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] ^= Integer.MIN_VALUE;
        }
    }

    /** x[i], x[j] = min, max, as signed words, without a branch. */
    private static void minMax(int[] x, int i, int j) {
        int a = x[i];
        int b = x[j];
        int swap = (a ^ b) & (int) (((long) b - a) >> 63);
        x[i] = a ^ swap;
        x[j] = b ^ swap;
    }

    /** h * r in Z_q[x] / (x^p - x - 1), coefficients in -q12..q12. */
    static int[] multiply(int[] h, byte[] r) {
        int[] product = new int[2 * P - 1];
        for (int i = 0; i < P; i++) {
            int hi = h[i];
            for (int j = 0; j < P; j++) {
                product[i + j] += hi * r[j];
            }
        }
        for (int i = 0; i < product.length; i++) {
            product[i] = freeze(product[i]);
        }
        // x^p = x + 1: each coefficient of x^i, i >= p, adds to those of x^(i-p) and x^(i-p+1).
        for (int i = 2 * P - 2; i >= P; i--) {
            product[i - P] = freeze(product[i - P] + product[i]);
            product[i - P + 1] = freeze(product[i - P + 1] + product[i]);
        }
        int[] hr = Arrays.copyOf(product, P);
        Arrays.fill(product, 0);
        return hr;
    }

    /** x mod q in -q12..q12, for |x| < 2^21, by multiplication and masks. */
    static int freeze(int x) {
        int y = x + BIAS;
        int r = y - (int) ((y * RECIPROCAL) >>> 32) * Q; // 0 <= r < 2q
        r -= Q;
        r += (r >> 31) & Q; // 0 <= r < q
        return r - (Q & ~((r - Q12 - 1) >> 31));
    }

    /** Each coefficient to the nearest multiple of 3: a - ((a + 1) mod 3 - 1), by multiplication. */
    static int[] round(int[] a) {
        int[] c = new int[P];
        for (int i = 0; i < P; i++) {
            int y = a[i] + 1 + 3 * 1000; // positive, below 2^15: y * 21846 >> 16 is y / 3
            int mod3 = y - ((y * 21846) >>> 16) * 3;
            c[i] = a[i] - (mod3 - 1);
        }
        return c;
    }

    /** Four coefficients a byte, each as coefficient + 1 in two bits; the last alone. */
    static byte[] smallEncode(byte[] r) {
        byte[] s = new byte[SMALL_BYTES];
        for (int i = 0; i < P / 4; i++) {
            s[i] = (byte) ((r[4 * i] + 1) | (r[4 * i + 1] + 1) << 2 | (r[4 * i + 2] + 1) << 4
                    | (r[4 * i + 3] + 1) << 6);
        }
        s[P / 4] = (byte) (r[P - 1] + 1);
        return s;
    }

    static int[] decodePublicKey(byte[] publicKey) {
        int[] m = new int[P];
        Arrays.fill(m, Q);
        int[] h = new int[P];
        decode(h, publicKey, 0, m, P);
        for (int i = 0; i < P; i++) {
            h[i] -= Q12;
        }
        return h;
    }

    /** A ciphertext's polynomial, multiples of 3 in -q12..q12, as (c + q12) / 3 below (q + 2) / 3. */
    static byte[] roundedEncode(int[] c) {
        int[] r = new int[P];
        int[] m = new int[P];
        for (int i = 0; i < P; i++) {
            r[i] = ((c[i] + Q12) * 10923) >>> 15;
            m[i] = (Q + 2) / 3;
        }
        Out out = new Out(ROUNDED_BYTES);
        encode(out, r, m, P);
        if (out.length != ROUNDED_BYTES) {
            throw new IllegalStateException("sntrup761 ciphertext of " + out.length + " bytes");
        }
        return out.bytes;
    }

    static final class Out {
        final byte[] bytes;
        int length;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        void put(int b) {
            bytes[length++] = (byte) b;
        }
    }

    /**
     * NTRU Prime's encoding of values 0 <= r[i] < m[i] < 2^14: adjacent pairs are merged into one
     * value below m[i] * m[i+1], whose low bytes are written while the bound is 2^14 or more; the
     * merged values are encoded the same way, until one is left, written in as many bytes as its
     * bound needs.
     */
    static void encode(Out out, int[] r, int[] m, int len) {
        if (len == 1) {
            int value = r[0];
            for (int bound = m[0]; bound > 1; bound = (bound + 255) >>> 8) {
                out.put(value);
                value >>>= 8;
            }
            return;
        }
        int half = (len + 1) / 2;
        int[] r2 = new int[half];
        int[] m2 = new int[half];
        int i = 0;
        for (; i < len - 1; i += 2) {
            long value = r[i] + (long) r[i + 1] * m[i];
            long bound = (long) m[i + 1] * m[i];
            while (bound >= 16384) {
                out.put((int) value);
                value >>>= 8;
                bound = (bound + 255) >>> 8;
            }
            r2[i / 2] = (int) value;
            m2[i / 2] = (int) bound;
        }
        if (i < len) {
            r2[i / 2] = r[i];
            m2[i / 2] = m[i];
        }
        encode(out, r2, m2, half);
    }

    /** The inverse of {@link #encode}, reading s from offset; returns the offset after what it read. */
    static int decode(int[] out, byte[] s, int offset, int[] m, int len) {
        if (len == 1) {
            if (m[0] == 1) {
                out[0] = 0;
            } else if (m[0] <= 256) {
                out[0] = (s[offset++] & 0xff) % m[0];
            } else {
                out[0] = ((s[offset] & 0xff) | (s[offset + 1] & 0xff) << 8) % m[0];
                offset += 2;
            }
            return offset;
        }
        int half = (len + 1) / 2;
        int[] r2 = new int[half];
        int[] m2 = new int[half];
        int[] bottomR = new int[len / 2];
        int[] bottomT = new int[len / 2];
        int i = 0;
        for (; i < len - 1; i += 2) {
            long bound = (long) m[i] * m[i + 1];
            if (bound > 256 * 16383) {
                bottomT[i / 2] = 256 * 256;
                bottomR[i / 2] = (s[offset] & 0xff) | (s[offset + 1] & 0xff) << 8;
                offset += 2;
                m2[i / 2] = (int) ((((bound + 255) >>> 8) + 255) >>> 8);
            } else if (bound >= 16384) {
                bottomT[i / 2] = 256;
                bottomR[i / 2] = s[offset++] & 0xff;
                m2[i / 2] = (int) ((bound + 255) >>> 8);
            } else {
                bottomT[i / 2] = 1;
                bottomR[i / 2] = 0;
                m2[i / 2] = (int) bound;
            }
        }
        if (i < len) {
            m2[i / 2] = m[i];
        }
        offset = decode(r2, s, offset, m2, half);
        int o = 0;
        for (i = 0; i < len - 1; i += 2) {
            long value = bottomR[i / 2] + (long) bottomT[i / 2] * r2[i / 2];
            out[o++] = (int) (value % m[i]);
            out[o++] = (int) ((value / m[i]) % m[i + 1]); // the modulus only matters for keys no one made
        }
        if (i < len) {
            out[o] = r2[i / 2];
        }
        return offset;
    }

    /** The first 32 bytes of SHA-512 over the prefix byte and the parts. */
    private byte[] hash(int prefix, byte[]... parts) {
        int length = 1;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] in = new byte[length];
        in[0] = (byte) prefix;
        int at = 1;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, in, at, part.length);
            at += part.length;
        }
        byte[] digest = new byte[64];
        Libcrypto.check("EVP_Digest", api.EVP_Digest.call(pinned(0, in), pinned(2, digest), 0, in.length, 0, 0,
                api.EVP_sha512.call(), 0));
        Arrays.fill(in, (byte) 0);
        byte[] out = Arrays.copyOf(digest, HASH_BYTES);
        Arrays.fill(digest, (byte) 0);
        return out;
    }
}
