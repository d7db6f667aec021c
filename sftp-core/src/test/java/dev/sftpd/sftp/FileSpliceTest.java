// FileSplice: a READ's data moved from a file into a pipe and on to the output, whole wherever it starts.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sftpd.sftp.posix.Posix;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSpliceTest {
    private static final Posix POSIX = Posix.get();

    @TempDir
    Path dir;

    private int open(Path path) throws Exception {
        return POSIX.open(path.toString().getBytes(StandardCharsets.UTF_8), Posix.O_RDONLY, 0);
    }

    /** A client's 255 KiB READ from inside a page spans 65 pages: the pipe holds all of it, and the output gets those bytes. */
    @Test
    void aWholeReadFromAnyOffsetReachesTheOutput() throws Exception {
        byte[] content = new byte[2 * Sftp.MAX_READ + 10_000];
        new Random(7).nextBytes(content);
        Path file = Files.write(dir.resolve("data"), content);
        int fd = open(file);
        int[] output = POSIX.pipe();
        POSIX.setPipeSize(output[1], 1024 * 1024);
        try (FileSplice splice = FileSplice.to(POSIX, output[1])) {
            assertNotNull(splice, "a pipe is an output data can be spliced to");
            long at = Sftp.MAX_READ;
            assertEquals(Sftp.MAX_READ, splice.take(fd, at, Sftp.MAX_READ));
            splice.give(Sftp.MAX_READ);
            assertArrayEquals(Arrays.copyOfRange(content, (int) at, (int) at + Sftp.MAX_READ),
                    readExactly(output[0], Sftp.MAX_READ));

            int tail = content.length - 2 * Sftp.MAX_READ;
            assertEquals(tail, splice.take(fd, 2L * Sftp.MAX_READ, Sftp.MAX_READ), "a short read at the end of the file");
            splice.give(tail);
            assertArrayEquals(Arrays.copyOfRange(content, 2 * Sftp.MAX_READ, content.length), readExactly(output[0], tail));

            assertEquals(0, splice.take(fd, content.length, Sftp.MAX_READ), "end of file");
        } finally {
            close(fd, output[0], output[1]);
        }
    }

    /** A directory cannot be spliced (EINVAL): the caller is told to read it instead, and nothing was moved. */
    @Test
    void aFileThatCannotBeSplicedIsLeftToTheCaller() throws Exception {
        int fd = open(dir);
        int[] output = POSIX.pipe();
        try (FileSplice splice = FileSplice.to(POSIX, output[1])) {
            assertNotNull(splice);
            assertEquals(-1, splice.take(fd, 0, Sftp.MAX_READ));
        } finally {
            close(fd, output[0], output[1]);
        }
    }

    /** Only a pipe or a socket takes spliced pages; a session writing to a file writes as before. */
    @Test
    void aRegularFileOutputIsNotSplicedTo() throws Exception {
        Path file = Files.createFile(dir.resolve("out"));
        int fd = POSIX.open(file.toString().getBytes(StandardCharsets.UTF_8), Posix.O_WRONLY, 0);
        try {
            assertNull(FileSplice.to(POSIX, fd));
        } finally {
            POSIX.close(fd);
        }
    }

    private static void close(int... fds) throws Exception {
        for (int fd : fds) {
            POSIX.close(fd);
        }
    }

    private static byte[] readExactly(int fd, int n) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(n);
        for (int got = 0; got < n; ) {
            got += POSIX.read(fd, buffer, got, n - got);
        }
        byte[] bytes = new byte[n];
        buffer.get(0, bytes);
        return bytes;
    }
}
