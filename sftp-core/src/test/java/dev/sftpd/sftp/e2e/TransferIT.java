// Downloads and uploads through OpenSSH's sftp: content byte for byte, preserved attributes, resumed transfers.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxes.class)
class TransferIT {
    /** 20 MiB: some 80 of the client's 255 KiB reads or writes, many of them outstanding at once. */
    private static final byte[] BIG = Disk.randomBytes(20 << 20);
    private static final int HALF = BIG.length / 2;

    @Test
    void getCopiesARemoteFileByteForByte(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.remote("big"), BIG, "rw-r--r--");

        sandbox.batch("get big").assertExit(0)
                .assertStderr(ServerLog.close(sandbox.remote("big"), BIG.length, 0));

        assertArrayEquals(BIG, Files.readAllBytes(sandbox.local("big")));
    }

    @Test
    void putCopiesALocalFileByteForByte(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.local("big"), BIG, "rw-r--r--");

        sandbox.batch("put big").assertExit(0)
                .assertStderr(ServerLog.open(sandbox.remote("big"), "WRITE,CREATE,TRUNCATE", "0644"),
                        ServerLog.close(sandbox.remote("big"), 0, BIG.length));

        assertArrayEquals(BIG, Files.readAllBytes(sandbox.remote("big")));
    }

    @Test
    void getDashPPreservesModeAndMtime(Sandbox sandbox) throws Exception {
        preservable(sandbox.remote("kept.txt"));

        sandbox.batch("get -p kept.txt").assertExit(0);

        assertPreserved(sandbox.local("kept.txt"));
    }

    @Test
    void putDashPPreservesModeAndMtime(Sandbox sandbox) throws Exception {
        preservable(sandbox.local("kept.txt"));

        sandbox.batch("put -p kept.txt").assertExit(0)
                .assertStderr(ServerLog.set(sandbox.remote("kept.txt"), "mode 0604"),
                        ServerLog.set(sandbox.remote("kept.txt"), "modtime 20010203-04:05:06"));

        assertPreserved(sandbox.remote("kept.txt"));
    }

    @Test
    void regetCompletesAHalfLocalCopyReadingOnlyTheRest(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.remote("big"), BIG, "rw-r--r--");
        Disk.file(sandbox.local("big"), Arrays.copyOf(BIG, HALF), "rw-r--r--");

        sandbox.batch("reget big").assertExit(0)
                .assertStderr(ServerLog.close(sandbox.remote("big"), BIG.length - HALF, 0));

        assertArrayEquals(BIG, Files.readAllBytes(sandbox.local("big")));
    }

    @Test
    void reputCompletesAHalfRemoteFileAppendingOnlyTheRest(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.remote("big"), Arrays.copyOf(BIG, HALF), "rw-r--r--");
        Disk.file(sandbox.local("big"), BIG, "rw-r--r--");

        sandbox.batch("reput big").assertExit(0)
                .assertStderr(ServerLog.open(sandbox.remote("big"), "WRITE,APPEND,CREATE", "0644"),
                        ServerLog.close(sandbox.remote("big"), 0, BIG.length - HALF));

        assertArrayEquals(BIG, Files.readAllBytes(sandbox.remote("big")));
    }

    /** A file whose mode (0604) and mtime (2001) no fresh copy would get by chance. */
    private static void preservable(Path path) throws IOException {
        Disk.file(path, "kept\n", "rw----r--");
        Disk.setMtime(path, Disk.PAST);
    }

    private static void assertPreserved(Path copy) throws IOException {
        assertEquals("rw----r--", Disk.permissions(copy));
        assertEquals(Disk.PAST, Disk.mtime(copy));
        assertEquals("kept\n", Files.readString(copy));
    }
}
