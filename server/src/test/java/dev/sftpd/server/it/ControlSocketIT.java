// The control socket: OpenSSH's ssh -O and sftpd -O against a real daemon, and raw PROTOCOL.mux bytes from the test.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.LoginRecords;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ControlSocketIT {
    private static final int HELLO = 0x00000001;
    private static final int ALIVE_CHECK = 0x10000004;
    private static final int FAILURE = 0x80000003;
    private static final int ALIVE = 0x80000005;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void opensshsClientChecksTheDaemonAndSeesItsPid() throws IOException {
        DaemonProcess daemon = sftpd.daemon();

        daemon.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + daemon.pid() + ")");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.controlSocket())));
        assertEquals(0, Files.getAttribute(daemon.controlSocket(), "unix:uid"));
    }

    @Test
    void sftpdsOwnClientChecksTheDaemonToo() {
        DaemonProcess daemon = sftpd.daemon();

        daemon.sftpdControl("check").assertExit(0).assertStderr("Master running (pid=" + daemon.pid() + ")");
    }

    @Test
    void aMissingSocketIsReportedAsSshReportsIt() {
        Path missing = sftpd.dir().resolve("no-such-control");

        Run.run(List.of(Sftpd.repository().resolve("bin/sftpd").toString(), "-O", "check", "-S", missing.toString()),
                new byte[0])
                .assertExit(255).assertStderr("Control socket connect(" + missing + "): No such file or directory");
    }

    @Test
    void sessionsListsALiveSessionWithItsPidsUserClientAndBytes() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        SystemUser alice = sftpd.user("alice");
        Path up = sftpd.randomFile("listed-up", 1 << 20);
        try (UserSession session = daemon.openSession(alice)) {
            session.client().send("put " + up + " listed");
            session.client().send("get listed " + sftpd.dir().resolve("listed-down"));
            session.client().send("!echo transferred");
            session.client().awaitStdout("transferred");

            String listing = daemon.sftpdControl("sessions").assertExit(0).stdout();

            Matcher line = Pattern.compile("(?m)^" + session.transport() + "\\s+" + alice.name()
                    + "\\s+127\\.0\\.0\\.1 port (\\d+)\\s+\\S+ \\S+\\s+(\\d+)\\s+(\\d+)$").matcher(listing);
            assertTrue(line.find(), listing);
            daemon.awaitTransport(Integer.parseInt(line.group(1)));
            assertTrue(Long.parseLong(line.group(2)) > Files.size(up), "bytes in counts the upload: " + listing);
            assertTrue(Long.parseLong(line.group(3)) > Files.size(up), "bytes out counts the download: " + listing);
            assertTrue(listing.contains("sftp session " + session.session() + " engine " + session.engine()),
                    listing);
        }
    }

    @Test
    void unknownAndMalformedRequestsGetFailureAndTheDaemonGoesOn() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        try (SocketChannel raw = connect(daemon)) {
            hello(raw);

            send(raw, ByteBuffer.allocate(8).putInt(0x10000099).putInt(7));
            assertFailure(receive(raw), 7, "unsupported mux message 0x10000099");
            send(raw, ByteBuffer.allocate(4).putInt(ALIVE_CHECK));
            assertFailure(receive(raw), 0, "no request id");
            send(raw, ByteBuffer.allocate(12).putInt(ALIVE_CHECK).putInt(9).putInt(0xdead));
            assertFailure(receive(raw), 9, "malformed request 0x10000004");

            send(raw, ByteBuffer.allocate(8).putInt(ALIVE_CHECK).putInt(10));
            ByteBuffer alive = receive(raw);
            assertEquals(List.of(ALIVE, 10, (int) daemon.pid()), List.of(alive.getInt(), alive.getInt(), alive.getInt()));

            raw.write(ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(ALIVE_CHECK).flip());
            assertFailure(receive(raw), 0, "packet length 2147483647");
            assertClosed(raw);
        }
        daemon.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + daemon.pid() + ")");
        new OpenSsh(daemon.port()).sftp(sftpd.user("alice"), "pwd").assertExit(0);
    }

    @Test
    void aRequestBeforeHelloIsRefusedAndTheClientDropped() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        try (SocketChannel raw = connect(daemon)) {
            receive(raw);

            send(raw, ByteBuffer.allocate(8).putInt(ALIVE_CHECK).putInt(1));

            assertFailure(receive(raw), 0, "expected MUX_MSG_HELLO");
            assertClosed(raw);
        }
        assertTrue(daemon.isAlive());
    }

    @Test
    void aPeerThatIsNotRootIsRefused() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon();
        SystemUser bob = sftpd.user("bob");
        List<String> asBob = List.of("setpriv", "--reuid=" + bob.uid(), "--regid=" + bob.gid(), "--clear-groups",
                "ssh", "-F", "/dev/null", "-S", daemon.controlSocket().toString(), "-O", "check", "x");

        Run.run(asBob, new byte[0]).assertExit(255).assertStderr("Permission denied");
        // Past the file's mode, the peer's credentials still keep a user out.
        Files.setPosixFilePermissions(daemon.controlSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Outcome refused = Run.run(asBob, new byte[0]);

        assertFalse(refused.stderr().contains("Master running"), refused.toString());
        assertTrue(refused.exitCode() != 0, refused.toString());
        daemon.awaitLog("control socket: multiplex uid mismatch: peer euid " + bob.uid() + " != uid 0");
        daemon.sshControl("check").assertExit(0);
    }

    @Test
    void stopEndsListeningAndTheDaemonExitsWhenTheLastSessionEnds() throws Exception {
        DaemonProcess daemon = sftpd.startDaemon();
        SystemUser carol = sftpd.user("carol");
        UserSession session = daemon.openSession(carol);
        try (session) {
            daemon.sshControl("stop").assertExit(0).assertStderr("Stop listening request sent.");
            daemon.awaitLog("Server no longer listening on 127.0.0.1 port " + daemon.port() + ".");

            // ssh, not sftp: sftp may die of SIGPIPE writing its batch to the ssh that was refused.
            new OpenSsh(daemon.port()).ssh(carol, List.of()).assertExit(255).assertStderr("Connection refused");
            session.client().send("mkdir made-while-draining");
            session.client().send("!echo still-serving");
            session.client().awaitStdout("still-serving");
            assertTrue(Files.isDirectory(carol.home().resolve("made-while-draining")));
            assertTrue(daemon.isAlive(), "a live session keeps the daemon");
            session.client().finish().assertExit(0);
        }

        assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS), "the daemon exits after its last session");
        assertEquals(0, daemon.process().exitValue());
        daemon.awaitLog("The last connection has ended; exiting.");
        LoginRecords.awaitLogout(carol, session.session());
        assertFalse(Files.exists(daemon.controlSocket()), "the control socket is removed");
    }

    @Test
    void exitEndsTheDaemonAndItsSessionsAndRecordsTheLogouts() throws Exception {
        DaemonProcess daemon = sftpd.startDaemon();
        SystemUser dave = sftpd.user("dave");
        UserSession session = daemon.openSession(dave);
        try (session) {
            daemon.sftpdControl("exit").assertExit(0).assertStderr("Exit request sent.");

            assertTrue(daemon.process().waitFor(30, TimeUnit.SECONDS), "the daemon exits");
            session.client().finish();
        }
        daemon.awaitLog("Received terminate request on the control socket; terminating.");
        Poll.until(() -> !ProcFs.exists(session.engine()) && !ProcFs.exists(session.transport()),
                () -> "the session's processes outlived the daemon");
        LoginRecords.awaitLogout(dave, session.session());
    }

    private static SocketChannel connect(DaemonProcess daemon) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(daemon.controlSocket()));
        return channel;
    }

    /** The master's HELLO (version 4, the session-list extension), then ours. */
    private static void hello(SocketChannel raw) throws IOException {
        ByteBuffer theirs = receive(raw);
        assertEquals(List.of(HELLO, 4), List.of(theirs.getInt(), theirs.getInt()));
        assertEquals("sessions@sftpd.dev", string(theirs));
        send(raw, ByteBuffer.allocate(8).putInt(HELLO).putInt(4));
    }

    private static void send(SocketChannel raw, ByteBuffer body) throws IOException {
        body.flip();
        raw.write(ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body).flip());
    }

    private static ByteBuffer receive(SocketChannel raw) throws IOException {
        ByteBuffer length = read(raw, 4);
        return read(raw, length.getInt());
    }

    private static ByteBuffer read(SocketChannel raw, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (raw.read(b) < 0) {
                throw new IOException("the daemon closed the control connection");
            }
        }
        return b.flip();
    }

    /** The daemon hung up: end of file, or a reset when it closed with our unread bytes still queued. */
    private static void assertClosed(SocketChannel raw) {
        try {
            assertEquals(-1, raw.read(ByteBuffer.allocate(1)), "the daemon ends this client");
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("Connection reset"), e.toString());
        }
    }

    private static void assertFailure(ByteBuffer reply, int requestId, String reason) {
        assertEquals(FAILURE, reply.getInt(), "MUX_S_FAILURE");
        assertEquals(requestId, reply.getInt(), "client request id");
        String text = string(reply);
        assertTrue(text.contains(reason), text);
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
