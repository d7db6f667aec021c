// crypt(3) from libxcrypt, the library /etc/shadow's hashes (yescrypt, sha512-crypt, ...) are made with.
package dev.sftpd.monitor.auth;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * crypt_rn with a work area per call: crypt() shares one static buffer, and a global lock would
 * queue every login behind one yescrypt computation.
 */
final class Crypt {
    /** sizeof(struct crypt_data) in libxcrypt's crypt.h. */
    private static final int DATA_SIZE = 32768;

    /** Public only because jnr-ffi implements it from another class loader. */
    public interface Functions {
        Pointer crypt_rn(@In byte[] phrase, @In byte[] setting, Pointer data, int size);
    }

    private static final Functions LIBCRYPT = LibraryLoader.create(Functions.class).load("crypt");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBCRYPT);

    private Crypt() {}

    /**
     * The hash of {@code phrase} with the method, cost and salt that {@code setting} (a hash or a
     * salt string) names, or empty when libxcrypt rejects the setting, e.g. "*" or "!".
     */
    static Optional<String> hash(String phrase, String setting) {
        // Zeroed, as crypt_rn wants its struct crypt_data the first time it sees one.
        Pointer data = Memory.allocateDirect(RUNTIME, DATA_SIZE, true);
        Pointer hashed = LIBCRYPT.crypt_rn(CString.of(phrase, StandardCharsets.UTF_8),
                CString.of(setting, StandardCharsets.ISO_8859_1), data, DATA_SIZE);
        return hashed == null ? Optional.empty() : Optional.of(CString.read(hashed, StandardCharsets.ISO_8859_1));
    }
}
