// Posix.pread: the count read, and nothing but those bytes written into the caller's buffer.
package dev.sftpd.sftp.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixReadTest {
    private static final byte FILL = 0x55;

    @TempDir
    Path dir;

    private static byte[] filled(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, FILL);
        return b;
    }

    /** What a client's READ of 255 KiB does to a 10-byte file: the bytes there are, the rest of the buffer as it was. */
    @Test
    void aReadPastTheEndCopiesOnlyWhatItRead() throws Exception {
        Path file = dir.resolve("ten");
        Files.write(file, "0123456789".getBytes(StandardCharsets.US_ASCII));
        Posix posix = Posix.get();
        int fd = posix.open(file.toString().getBytes(StandardCharsets.UTF_8), Posix.O_RDONLY, 0);
        try {
            byte[] buf = filled(300_000);
            assertEquals(8, posix.pread(fd, buf, 5, 255 * 1024, 2));
            assertArrayEquals("23456789".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(buf, 5, 13));
            byte[] expected = filled(buf.length);
            System.arraycopy(buf, 5, expected, 5, 8);
            assertArrayEquals(expected, buf, "bytes outside what pread returned were changed");

            byte[] atEnd = filled(64);
            assertEquals(0, posix.pread(fd, atEnd, 0, atEnd.length, 10));
            assertArrayEquals(filled(64), atEnd);

            assertThrows(IndexOutOfBoundsException.class, () -> posix.pread(fd, atEnd, 60, 5, 0));
            assertArrayEquals(filled(64), atEnd);
        } finally {
            posix.close(fd);
        }
    }
}
