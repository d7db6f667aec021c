// The bytes the kernel sees for a java.nio Path, for the system calls sftp-core's Posix makes.
package dev.sftpd.monitor.auth;

import java.nio.charset.Charset;
import java.nio.file.Path;

final class NativePath {
    /** The charset java.nio itself encodes Unix paths with, so a Path and its bytes name the same file. */
    private static final Charset JNU = jnuEncoding();

    private NativePath() {}

    static byte[] bytes(Path p) {
        return p.toString().getBytes(JNU);
    }

    private static Charset jnuEncoding() {
        String name = System.getProperty("sun.jnu.encoding");
        return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
    }
}
