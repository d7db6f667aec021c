// C strings for jnr-ffi calls: NUL-terminated arrays in a charset we choose, and back from native memory.
package dev.sftpd.monitor.auth;

import java.nio.charset.Charset;
import java.util.Arrays;
import jnr.ffi.Pointer;

/** jnr would encode String arguments in the JVM's default charset, which is ASCII for a daemon started without a locale. */
final class CString {
    private CString() {}

    static byte[] of(String s, Charset charset) {
        if (s.indexOf('\0') >= 0) {
            // C would read only up to the NUL: a different string from the one checked.
            throw new IllegalArgumentException("NUL in a C string");
        }
        byte[] encoded = s.getBytes(charset);
        return Arrays.copyOf(encoded, encoded.length + 1);
    }

    static String read(Pointer p, Charset charset) {
        byte[] bytes = new byte[p.indexOf(0, (byte) 0)];
        p.get(0, bytes, 0, bytes.length);
        return new String(bytes, charset);
    }
}
