// Fuzz target: what a subverted transport can write to the monitor, through the framing, the phase table and every answer.
package dev.sftpd.monitor;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.audit.AuditLog;
import dev.sftpd.monitor.audit.SessionAudit;
import dev.sftpd.monitor.auth.AccessRules;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.Client;
import dev.sftpd.monitor.auth.PermitRoot;
import dev.sftpd.monitor.login.LoginFiles;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.Sockets;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The input is the byte stream a transport sends after CONNECTION. A real MonitorSession reads
 * it from a socketpair, with a host key of the test's, publickey authentication against an
 * authorized_keys file that lists one key whose private half the fuzzer does not have, and no
 * passwords. An input passes when run() ends (CLOSED at the end of input, VIOLATION for a
 * broken rule) without throwing, every reply is a well-formed packet of a type the monitor
 * sends, and no reply says authenticated: without the private key nothing may log in.
 */
class MonitorSessionFuzzTest {
    /** An input larger than this would not fit the socket buffer before the monitor reads it. */
    private static final int MAX_INPUT = 16 * 1024;
    /** No AuditLog: the trail writes nothing. */
    private static final AuditLog NO_AUDIT = noAuditLog();
    private static final int SHUT_WR = 1;
    /** No such process: LoginGraceTime is off, but a kill must never reach a real one. */
    private static final int NO_PID = 2_000_000_000;
    private static final byte AUTHENTICATED = 2;
    private static final byte PARTIAL = 3;

    /** shutdown(2) with SHUT_WR, which Sockets does not offer: the monitor must still be able to answer. */
    public interface HalfClose {
        int shutdown(int fd, int how);
    }

    private static final HalfClose C = LibraryLoader.create(HalfClose.class).load("c");

    private static Path dir;
    private static HostKeys hostKeys;
    private static AuthSettings auth;
    private static SessionSettings sessions;
    private static final Engines NO_ENGINES = new Engines() {
        @Override
        public Started start(Account account, int[] groups, List<String> flags, String clientAddress,
                             Optional<Path> chroot, String clientIdentification, SessionAudit audit) {
            throw new AssertionError("an engine started for an unauthenticated transport");
        }

        @Override
        public Started connect(Account account, int[] groups, List<String> logFlags, String clientAddress,
                               Optional<Path> chroot, SessionAudit audit, String host, int port) {
            throw new AssertionError("a connection made for an unauthenticated transport");
        }
    };

    @BeforeAll
    static void monitor() throws Exception {
        dir = Files.createTempDirectory("monitor-fuzz");
        // A fixed key, so that the seeds can name its public blob in SIGN.
        Path hostKey = Path.of(MonitorSessionFuzzTest.class.getResource("fuzz_host_ed25519_key").toURI());
        hostKeys = HostKeys.load(List.of(hostKey));
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, "ssh-ed25519 "
                + "AAAAC3NzaC1lZDI1NTE5AAAAINpjc9Ww9uml5U0wbv9I1e5Vc371SL6HCt6VLf+pW4sN\n");
        auth = new AuthSettings(true, false, false, false, false, PermitRoot.PROHIBIT_PASSWORD, AccessRules.NONE,
                List.of(), 6, Duration.ZERO, false, account -> List.of(authorizedKeys), account -> List.of(),
                account -> Optional.empty());
        sessions = new SessionSettings(List.of(), Optional.empty(), List.of(), 10, account -> Optional.empty(),
                new Forwarding(false, List.of(Forwarding.ANY)));
        Logging.init(LogLevel.DEBUG3, (level, text) -> { });
    }

    @AfterAll
    static void removeKeys() throws Exception {
        Logging.init("sftpd", LogLevel.ERROR, SyslogFacility.AUTH, true);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static AuditLog noAuditLog() {
        try {
            return AuditLog.open(Optional.empty());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void transportStream(byte[] input) throws Exception {
        byte[] stream = Arrays.copyOf(input, Math.min(input.length, MAX_INPUT));
        Fd[] pair = Sockets.socketpair();
        try (Fd transport = pair[0]; Fd monitor = pair[1]) {
            Sockets.writeFully(transport.fd(), stream, 0, stream.length);
            C.shutdown(transport.fd(), SHUT_WR);
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
            MonitorSession session = new MonitorSession(monitor.fd(), NO_PID, peer, Client.of(peer.getAddress()), hostKeys, auth, sessions, MatchedSettings.NONE,
                    NO_ENGINES,
                    new LoginRecorder(new LoginFiles(dir.resolve("utmp"), dir.resolve("wtmp"), dir.resolve("lastlog"))),
                    () -> {
                        throw new AssertionError("authenticated without the private key");
                    }, NO_AUDIT.connection(peer, peer), Metrics.NONE);
            assertNotNull(session.run());
            session.finish(false);
            C.shutdown(monitor.fd(), SHUT_WR);
            assertReplies(transport.fd());
        }
    }

    private static void assertReplies(int fd) throws Exception {
        while (true) {
            Buffer reply;
            try {
                reply = Packets.read(fd);
            } catch (EOFException e) {
                return;
            } catch (MonitorProtocolException e) {
                throw new AssertionError("the monitor sent a malformed packet: " + e.getMessage());
            }
            MonitorMessage type = MonitorMessage.of(reply.getUByte());
            assertTrue(type == MonitorMessage.OK || type == MonitorMessage.FAILURE
                    || type == MonitorMessage.SIGN_REPLY || type == MonitorMessage.AUTH_RESULT
                    || type == MonitorMessage.AUTH_KBDINT_QUERY, "reply " + type);
            if (type == MonitorMessage.AUTH_RESULT) {
                byte result = reply.getByte();
                assertNotEquals(AUTHENTICATED, result, "authenticated without the private key");
                assertNotEquals(PARTIAL, result, "a method succeeded without the private key");
            }
        }
    }
}
