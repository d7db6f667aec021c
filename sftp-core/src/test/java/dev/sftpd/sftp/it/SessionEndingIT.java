package dev.sftpd.sftp.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs after which OpenSSH's sftp-server ends the session: ours must end it with the same exit code,
 * send no reply to the offending input, and leave the file system exactly as it was.
 */
class SessionEndingIT {
    /** OpenSSH's SFTP_MAX_MSG_LENGTH. */
    private static final int MAX_MESSAGE = 256 * 1024;

    /** What one server did with one input: its exit code (null if it kept running) and what it sent back. */
    private record Ending(Server server, Integer exitCode, List<String> replies, String fsBefore, String fsAfter,
            String stderr) {
        String describe() {
            return server.label() + ": exit " + (exitCode == null ? "none (still running)" : exitCode) + ", replies "
                    + replies + (fsBefore.equals(fsAfter) ? "" : ", file system changed to:\n" + fsAfter)
                    + "\n  stderr: " + (stderr.isEmpty() ? "(empty)" : stderr.strip().replace("\n", "\n  "));
        }
    }

    @Test
    void packetLongerThan256KiBEndsTheSession() throws Exception {
        byte[] open = openRequest("big.txt", Wire.bytes("big.txt").length);
        assertSameEnding(true, new Wire.Out().u32(MAX_MESSAGE + 1).raw(open).bytes(), false);
    }

    @Test
    void requestTruncatedInsideItsPathEndsTheSessionWithoutCreatingTheFile() throws Exception {
        byte[] open = openRequest("trunc-created.txt", 100);
        assertSameEnding(true, new Wire.Out().string(open).bytes(), false);
    }

    @Test
    void requestBeforeInitEndsTheSessionWithoutCreatingTheFile() throws Exception {
        byte[] open = openRequest("before-init.txt", Wire.bytes("before-init.txt").length);
        assertSameEnding(false, new Wire.Out().string(open).bytes(), false);
    }

    @Test
    void endOfInputAfterInitEndsTheSessionCleanly() throws Exception {
        assertSameEnding(true, new byte[0], true);
    }

    @Test
    void endOfInputBeforeInitEndsTheSessionCleanly() throws Exception {
        assertSameEnding(false, new byte[0], true);
    }

    @Test
    void endOfInputInsideAPacketEndsTheSession() throws Exception {
        byte[] open = openRequest("half-sent.txt", Wire.bytes("half-sent.txt").length);
        byte[] frame = new Wire.Out().string(open).bytes();
        assertSameEnding(true, java.util.Arrays.copyOf(frame, frame.length / 2), true);
    }

    /** OpenSSH waits for five bytes, so the empty packet is only seen with the request after it. */
    @Test
    void emptyPacketEndsTheSession() throws Exception {
        byte[] realpath = new Wire.Out().u8(Requests.REALPATH).u32(8).string(".").bytes();
        assertSameEnding(true, new Wire.Out().u32(0).string(realpath).bytes(), false);
    }

    @Test
    void extendedRequestMissingItsArgumentsEndsTheSession() throws Exception {
        byte[] statvfs = new Wire.Out().u8(Requests.EXTENDED).u32(9).string("statvfs@openssh.com").bytes();
        assertSameEnding(true, new Wire.Out().string(statvfs).bytes(), false);
    }

    /** A C function would stop at the NUL and remove hello.txt: the request is malformed instead. */
    @Test
    void removeOfAPathWithAnEmbeddedNulEndsTheSessionAndRemovesNothing() throws Exception {
        byte[] remove = new Wire.Out().u8(Requests.REMOVE).u32(9).string("hello.txt\0.bak").bytes();
        assertSameEnding(true, new Wire.Out().string(remove).bytes(), false);
    }

    @Test
    void openOfAPathWithAnEmbeddedNulEndsTheSessionAndCreatesNothing() throws Exception {
        byte[] open = new Wire.Out().u8(Requests.OPEN).u32(7).string("nul\0tail")
                .u32(Requests.FXF_WRITE | Requests.FXF_CREAT).attrs(Attrs.NONE).bytes();
        assertSameEnding(true, new Wire.Out().string(open).bytes(), false);
    }

    @Test
    void renameWithAnEmbeddedNulInItsTargetEndsTheSessionAndRenamesNothing() throws Exception {
        byte[] rename = new Wire.Out().u8(Requests.RENAME).u32(5).string("hello.txt").string("secret\0x").bytes();
        assertSameEnding(true, new Wire.Out().string(rename).bytes(), false);
    }

    /** OPEN id 7 WRITE|CREAT whose path string claims {@code declaredLength} bytes. */
    private static byte[] openRequest(String path, int declaredLength) {
        return new Wire.Out().u8(Requests.OPEN).u32(7).u32(declaredLength).raw(Wire.bytes(path))
                .u32(Requests.FXF_WRITE | Requests.FXF_CREAT).attrs(Attrs.NONE).bytes();
    }

    private static void assertSameEnding(boolean initFirst, byte[] input, boolean closeInput) throws Exception {
        Ending theirs = run(Server.openssh(), initFirst, input, closeInput);
        Ending ours = run(Server.ours(), initFirst, input, closeInput);
        String report = "\n" + theirs.describe() + "\n" + ours.describe();
        assertTrue(theirs.exitCode() != null && theirs.replies().isEmpty() && theirs.fsBefore().equals(theirs.fsAfter()),
                "the harness expects OpenSSH to end the session silently and change nothing:" + report);
        assertTrue(theirs.exitCode().equals(ours.exitCode()), "exit codes differ:" + report);
        assertTrue(ours.replies().isEmpty(), "ours replied:" + report);
        assertTrue(ours.fsBefore().equals(ours.fsAfter()), "ours changed the file system:" + report);
    }

    private static Ending run(Server server, boolean initFirst, byte[] input, boolean closeInput)
            throws IOException, InterruptedException {
        try (Fixture fixture = Fixture.create()) {
            String before = fixture.snapshotOfFreshFixture();
            ServerProcess process = ServerProcess.start(server.label(), server.command(), fixture.root());
            Integer exit;
            List<String> replies = new ArrayList<>();
            try {
                if (initFirst) {
                    process.send(new Wire.Out().u8(Requests.INIT).u32(3).bytes());
                    ServerProcess.Received version = process.next(ServerProcess.TIMEOUT);
                    if (!(version instanceof ServerProcess.Frame f) || !(Reply.decode(f.payload()) instanceof Reply.Version)) {
                        replies.add("no VERSION after INIT: " + version);
                    }
                }
                try {
                    process.sendRaw(input);
                    if (closeInput) {
                        process.closeInput();
                    }
                } catch (IOException e) {
                    // The server may end the session before it has read all of an oversized packet.
                }
                exit = process.awaitExit(ServerProcess.TIMEOUT);
                for (ServerProcess.Received r = process.next(Duration.ofSeconds(1));
                        r instanceof ServerProcess.Frame f; r = process.next(Duration.ofSeconds(1))) {
                    replies.add(Reply.decode(f.payload()).render(fixture.view(), ExtendedFormat.RAW));
                }
            } finally {
                process.close();
            }
            return new Ending(server, exit, replies, before, fixture.snapshot(), process.stderr());
        }
    }
}
