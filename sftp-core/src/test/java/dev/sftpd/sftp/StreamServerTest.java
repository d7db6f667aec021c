// Requests that arrive in pieces of any size are framed whole, and a WRITE's data, left in native memory, reaches the file.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sftpd.sftp.posix.Posix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    /**
     * A READ's data spliced to the output is the file's cached pages until the output's reader
     * copies them: a WRITE of the same range pipelined behind it waits for that, so the READ
     * answers what the file held when it ran, as sftp-server's copy does.
     */
    @Test
    void aWriteBehindASplicedReadLeavesTheReadsAnswerAsTheFileWas() throws Exception {
        Random random = new Random(11);
        byte[] before = new byte[2 * Sftp.MAX_READ + 100];
        byte[] after = new byte[Sftp.MAX_READ];
        random.nextBytes(before);
        random.nextBytes(after);
        Path file = Files.write(dir.resolve("file"), before);
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        frame(requests, new Encoder(Sftp.FXP_INIT, 16).u32(3));
        frame(requests, new Encoder(Sftp.FXP_OPEN, 64).u32(1).string(file.toString()).u32(0x01 | 0x02).u32(0));
        // The first READ is read; the second starts where it ended, so it is spliced.
        frame(requests, new Encoder(Sftp.FXP_READ, 64).u32(2).string(HANDLE_OF_FIRST_OPEN).u64(0).u32(Sftp.MAX_READ));
        frame(requests, new Encoder(Sftp.FXP_READ, 64).u32(3).string(HANDLE_OF_FIRST_OPEN).u64(Sftp.MAX_READ)
                .u32(Sftp.MAX_READ));
        frame(requests, new Encoder(Sftp.FXP_WRITE, after.length + 64).u32(4).string(HANDLE_OF_FIRST_OPEN)
                .u64(Sftp.MAX_READ).string(after));
        frame(requests, new Encoder(Sftp.FXP_CLOSE, 16).u32(5).string(HANDLE_OF_FIRST_OPEN));

        Posix posix = Posix.get();
        int[] input = posix.pipe();
        int[] output = posix.pipe();
        // Every reply fits in the output pipe: nothing but the guard holds the WRITE back.
        posix.setPipeSize(input[1], 1024 * 1024);
        posix.setPipeSize(output[1], 1024 * 1024);
        // Threads of their own: the common pool may have one, and the server waits for the reader.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (OutputStream toServer = new FileOutputStream("/proc/self/fd/" + input[1]);
             InputStream fromServer = new FileInputStream("/proc/self/fd/" + output[0])) {
            toServer.write(requests.toByteArray());
            toServer.close();
            posix.close(input[1]);
            NssAccounts accounts = new NssAccounts();
            OutputStream serverOut = new FileOutputStream("/proc/self/fd/" + output[1]);
            CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> new StreamServer(input[0],
                    serverOut, output[1]).run(sink -> new SftpSession(ServerOptions.DEFAULTS, accounts,
                    accounts.currentUser(), "UNKNOWN", sink)), threads);
            // The replies wait unread while the server goes on as far as it will.
            Thread.sleep(500);
            assertFalse(served.isDone(), "the WRITE waited for the spliced READ's data to be read");
            CompletableFuture<byte[]> replies = CompletableFuture.supplyAsync(() -> {
                // Not readAllBytes: FileInputStream's asks a pipe for its position (ESPIPE).
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                byte[] chunk = new byte[64 * 1024];
                try {
                    for (int n; (n = fromServer.read(chunk)) > 0; ) {
                        read.write(chunk, 0, n);
                    }
                    return read.toByteArray();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            assertEquals(0, served.get(10, TimeUnit.SECONDS), "exit status");
            serverOut.close();
            posix.close(output[1]);
            byte[] out = replies.get(10, TimeUnit.SECONDS);

            assertEquals(List.of("type " + Sftp.FXP_VERSION, "type " + Sftp.FXP_HANDLE, "type " + Sftp.FXP_DATA,
                    "type " + Sftp.FXP_DATA, "status 0", "status 0"), replies(out));
            int secondData = replyAt(out, 3);
            assertArrayEquals(Arrays.copyOfRange(before, Sftp.MAX_READ, 2 * Sftp.MAX_READ),
                    Arrays.copyOfRange(out, secondData + Sftp.DATA_HEADER, secondData + Sftp.DATA_HEADER + Sftp.MAX_READ),
                    "the spliced READ answers the file as it was before the WRITE");
            assertArrayEquals(after, Arrays.copyOfRange(Files.readAllBytes(file), Sftp.MAX_READ, 2 * Sftp.MAX_READ));
        } finally {
            threads.shutdownNow();
            posix.close(input[0]);
            posix.close(output[0]);
        }
    }

    /** Where the reply with this index (0 the first) starts in a stream of replies. */
    private static int replyAt(byte[] out, int index) throws MalformedPacketException {
        int pos = 0;
        for (int i = 0; i < index; i++) {
            pos += 4 + new Decoder(out, pos, 4).u32();
        }
        return pos;
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
