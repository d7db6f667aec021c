// Requests that arrive in pieces of any size are framed whole, and a WRITE's data, left in native memory, reaches the file.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamServerTest {
    private static final int FXF_WRITE_CREATE_TRUNC = 0x02 | 0x08 | 0x10;
    private static final byte[] HANDLE_OF_FIRST_OPEN = HandleTable.wire(0);

    @TempDir
    Path dir;

    /** An input stream that hands out at most the next of these sizes per read, round and round. */
    private static InputStream trickling(byte[] bytes, int... sizes) {
        return new ByteArrayInputStream(bytes) {
            private int next;

            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, sizes[next++ % sizes.length]));
            }
        };
    }

    private static void frame(ByteArrayOutputStream requests, Encoder e) {
        e.finish();
        requests.write(e.array(), 0, e.length());
    }

    /** Each reply's type and, for a STATUS, its code. */
    private static List<String> replies(byte[] out) throws MalformedPacketException {
        List<String> replies = new ArrayList<>();
        for (int pos = 0; pos < out.length; ) {
            int len = new Decoder(out, pos, 4).u32();
            Decoder d = new Decoder(out, pos + 4, len);
            int type = d.u8();
            if (type == Sftp.FXP_STATUS) {
                d.u32();
                replies.add("status " + d.u32());
            } else {
                replies.add("type " + type);
            }
            pos += 4 + len;
        }
        return replies;
    }

    private byte[] serve(byte[] requests, int... sizes) {
        NssAccounts accounts = new NssAccounts();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new StreamServer(trickling(requests, sizes), out)
                .run(sink -> new SftpSession(ServerOptions.DEFAULTS, accounts, accounts.currentUser(), "UNKNOWN", sink));
        assertEquals(0, status, "exit status");
        return out.toByteArray();
    }

    @Test
    void writesArrivingInPiecesOfAnySizeReachTheFileWhole() throws Exception {
        Random random = new Random(7);
        byte[] first = new byte[Sftp.MAX_READ];
        byte[] second = new byte[17];
        byte[] third = new byte[200 * 1024];
        random.nextBytes(first);
        random.nextBytes(second);
        random.nextBytes(third);
        Path file = dir.resolve("upload");
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        frame(requests, new Encoder(Sftp.FXP_INIT, 16).u32(3));
        frame(requests, new Encoder(Sftp.FXP_OPEN, 64).u32(1).string(file.toString()).u32(FXF_WRITE_CREATE_TRUNC).u32(0));
        frame(requests, new Encoder(Sftp.FXP_WRITE, first.length + 64).u32(2).string(HANDLE_OF_FIRST_OPEN).u64(0)
                .string(first));
        frame(requests, new Encoder(Sftp.FXP_WRITE, 64).u32(3).string(HANDLE_OF_FIRST_OPEN).u64(first.length)
                .string(second));
        frame(requests, new Encoder(Sftp.FXP_WRITE, third.length + 64).u32(4).string(HANDLE_OF_FIRST_OPEN)
                .u64(first.length + second.length).string(third));
        frame(requests, new Encoder(Sftp.FXP_CLOSE, 16).u32(5).string(HANDLE_OF_FIRST_OPEN));
        byte[] stream = requests.toByteArray();

        for (int[] sizes : new int[][] {{Integer.MAX_VALUE}, {1, 3, 2}, {4093}, {65536, 7, 300000}}) {
            Files.deleteIfExists(file);
            byte[] out = serve(stream, sizes);

            assertEquals(List.of("type " + Sftp.FXP_VERSION, "type " + Sftp.FXP_HANDLE, "status 0", "status 0",
                    "status 0", "status 0"), replies(out), "pieces of " + Arrays.toString(sizes));
            byte[] expected = new byte[first.length + second.length + third.length];
            System.arraycopy(first, 0, expected, 0, first.length);
            System.arraycopy(second, 0, expected, first.length, second.length);
            System.arraycopy(third, 0, expected, first.length + second.length, third.length);
            assertArrayEquals(expected, Files.readAllBytes(file), "pieces of " + Arrays.toString(sizes));
        }
    }

    @Test
    void aWriteWhoseLengthsDisagreeIsRejectedAndWritesNothing() throws IOException {
        Path file = dir.resolve("untouched");
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        frame(requests, new Encoder(Sftp.FXP_INIT, 16).u32(3));
        frame(requests, new Encoder(Sftp.FXP_OPEN, 64).u32(1).string(file.toString()).u32(FXF_WRITE_CREATE_TRUNC).u32(0));
        // The data's length says 100 bytes; 10 follow.
        frame(requests, new Encoder(Sftp.FXP_WRITE, 64).u32(2).string(HANDLE_OF_FIRST_OPEN).u64(0).u32(100)
                .string("012345"));
        NssAccounts accounts = new NssAccounts();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new StreamServer(trickling(requests.toByteArray(), 5), out)
                .run(sink -> new SftpSession(ServerOptions.DEFAULTS, accounts, accounts.currentUser(), "UNKNOWN", sink));

        assertEquals(SessionEndException.FATAL, status, "a message running past its end ends the session");
        assertEquals(0, Files.size(file));
    }
}
