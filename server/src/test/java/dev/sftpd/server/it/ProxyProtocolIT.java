// ProxyProtocol behind a real HAProxy: the client's own address, not the balancer's, is the one logged, matched, recorded and listed.
package dev.sftpd.server.it;

import static dev.sftpd.testkit.DaemonProcess.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.HaProxy;
import dev.sftpd.testkit.LoginRecords;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daemon trusts 127.0.0.1, where haproxy connects from; clients reach haproxy from other
 * loopback addresses (ssh -o BindAddress), so any line that shows 127.0.0.1 as the client would
 * show the balancer, not the client.
 */
class ProxyProtocolIT {
    private static final String CLIENT = "127.0.0.2";
    private static final String OTHER_CLIENT = "127.0.0.3";
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};

    /**
     * Alice only from CLIENT; bob from anywhere, but read-only from CLIENT (Match Address). DEBUG1
     * shows what PAM_RHOST is set to.
     */
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("ProxyProtocol 127.0.0.1", "LogLevel DEBUG1",
            "AllowUsers sftpd-a-alice-*@" + CLIENT + " sftpd-a-bob-*",
            "Match Address " + CLIENT, "ForceCommand internal-sftp -R");

    private static List<String> from(String address) {
        return List.of("-o", "BindAddress=" + address);
    }

    private HaProxy haproxy(String sendProxy, DaemonProcess... daemons) {
        return HaProxy.start(sftpd.dir(), List.of(daemons).stream().map(DaemonProcess::port).toList(), sendProxy);
    }

    @Test
    void throughHaProxyV2TheClientsAddressIsLoggedGivenToPamAndRecordedInWtmp() {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess daemon = sftpd.daemon();
        try (HaProxy haproxy = haproxy("send-proxy-v2", daemon)) {

            haproxy.clients().sftp(alice, from(CLIENT), "pwd").assertSessionIn(alice.home());

            daemon.awaitLine("Connection from " + CLIENT + " port " + ANY_PORT + " on 127.0.0.1 port " + haproxy.port());
            daemon.awaitLine("Accepted publickey for " + alice + " from " + CLIENT + " port " + ANY_PORT + " ssh2: "
                    + "ED25519 " + alice.fingerprint());
            daemon.awaitLine("PAM: setting PAM_RHOST to \"" + CLIENT + "\"");
            LoginRecords.awaitLogoutFrom(alice, CLIENT);
        }
    }

    @Test
    void allowUsersUserAtHostJudgesTheClientsAddressNotTheBalancers() {
        SystemUser alice = sftpd.user("alice");
        try (HaProxy haproxy = haproxy("send-proxy-v2", sftpd.daemon())) {

            haproxy.clients().sftp(alice, from(OTHER_CLIENT), "pwd").assertPermissionDenied();

            sftpd.daemon().awaitLine("User " + alice + " from " + OTHER_CLIENT
                    + " not allowed because not listed in AllowUsers");
            haproxy.clients().sftp(alice, from(CLIENT), "pwd").assertSessionIn(alice.home());
        }
    }

    @Test
    void matchAddressJudgesTheClientsAddress() {
        SystemUser bob = sftpd.user("bob");
        try (HaProxy haproxy = haproxy("send-proxy-v2", sftpd.daemon())) {

            haproxy.clients().sftp(bob, from(CLIENT), "mkdir from-client").assertExit(1)
                    .assertStderr("Permission denied");
            haproxy.clients().sftp(bob, from(OTHER_CLIENT), "mkdir from-other").assertExit(0);

            assertFalse(bob.home().resolve("from-client").toFile().exists(), "read-only from " + CLIENT);
            assertTrue(bob.home().resolve("from-other").toFile().isDirectory());
        }
    }

    @Test
    void theSessionListAndUtmpShowTheClientsAddress() {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess daemon = sftpd.daemon();
        try (HaProxy haproxy = haproxy("send-proxy-v2", daemon);
             OpenSftp open = haproxy.clients().openSftp(alice, from(CLIENT))) {
            open.send("pwd");
            open.awaitStdout("Remote working directory: " + alice.home());

            String sessions = daemon.sftpdControl("sessions").assertExit(0).stdout();
            String who = LoginRecords.who();

            assertTrue(Pattern.compile("(?m)^\\d+\\s+" + alice + "\\s+" + Pattern.quote(CLIENT) + " port \\d+ ")
                    .matcher(sessions).find(), sessions);
            assertTrue(Pattern.compile("(?m)^" + alice + "\\s+sftp\\d+\\s.*\\(" + Pattern.quote(CLIENT) + "\\)$")
                    .matcher(who).find(), who);
            open.finish().assertExit(0);
        }
    }

    @Test
    void throughHaProxyV1TheClientsAddressIsTheOneSeen() {
        SystemUser alice = sftpd.user("alice");
        try (HaProxy haproxy = haproxy("send-proxy", sftpd.daemon())) {
            int before = accepted(sftpd.daemon(), alice, CLIENT);

            haproxy.clients().sftp(alice, from(CLIENT), "pwd").assertSessionIn(alice.home());

            sftpd.daemon().await(() -> accepted(sftpd.daemon(), alice, CLIENT) == before + 1,
                    () -> "no new login of " + alice + " from " + CLIENT);
        }
    }

    @Test
    void aTrustedSourceThatSendsNoHeaderIsRefused() {
        SystemUser alice = sftpd.user("alice");

        sftpd.clients().sftp(alice, "pwd").assertNoSession();

        sftpd.daemon().awaitLine("Bad PROXY protocol header from 127.0.0.1 port " + ANY_PORT
                + ": no PROXY protocol header");
    }

    @Test
    void aHeaderFromAnUntrustedSourceIsABadIdentificationNotAnAddress() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        String v1 = "PROXY TCP4 203.0.113.5 127.0.0.1 5555 22";

        try (Socket s = connect(daemon.port(), OTHER_CLIENT)) {
            s.getOutputStream().write((v1 + "\r\n").getBytes(StandardCharsets.US_ASCII));

            assertTrue(readAll(s.getInputStream()).startsWith("SSH-2.0-"), "the transport answers, as to any client");
            daemon.awaitLine("Bad protocol version identification '" + v1 + "' from " + OTHER_CLIENT + " port "
                    + s.getLocalPort() + " [preauth]");
        }
        try (Socket s = connect(daemon.port(), OTHER_CLIENT)) {
            s.getOutputStream().write(v2(new byte[] {(byte) 203, 0, 113, 5}));

            assertTrue(readAll(s.getInputStream()).startsWith("SSH-2.0-"), "the transport answers, as to any client");
            daemon.awaitLine("Bad protocol version identification '' from " + OTHER_CLIENT + " port "
                    + s.getLocalPort() + " [preauth]");
        }
        assertFalse(daemon.logText().contains("203.0.113.5 port"), "no line names the address the header claims");
    }

    @Test
    void aMalformedOrOversizedHeaderEndsTheConnectionWithALogLine() throws IOException {
        DaemonProcess daemon = sftpd.daemon();

        try (Socket s = connect(daemon.port(), "127.0.0.1")) {
            s.getOutputStream().write("PROXY TCP4 203.0.113.500 127.0.0.1 5555 22\r\n".getBytes(StandardCharsets.US_ASCII));

            assertEquals("", readAll(s.getInputStream()), "closed without a word");
            daemon.awaitLine("Bad PROXY protocol header from 127.0.0.1 port " + s.getLocalPort()
                    + ": PROXY protocol v1 header has a bad TCP4 address");
        }
        try (Socket s = connect(daemon.port(), "127.0.0.1")) {
            byte[] header = v2(new byte[] {(byte) 203, 0, 113, 5});
            header[14] = (byte) 0xff;
            header[15] = (byte) 0xff;
            s.getOutputStream().write(header);

            assertEquals("", readAll(s.getInputStream()), "closed without a word");
            daemon.awaitLine("Bad PROXY protocol header from 127.0.0.1 port " + s.getLocalPort()
                    + ": PROXY protocol v2 header of 65551 bytes, more than 1040");
        }
    }

    @Test
    void twoDaemonsWithTheSameHostKeyBehindOneHaProxyEachServeASession() {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess first = sftpd.daemon();
        // Penalties on, a health check's worth above min: were the balancer's own checks penalised,
        // the next one would be refused and HAProxy would take the daemon out.
        DaemonProcess second = sftpd.startDaemon("ProxyProtocol 127.0.0.1", "PerSourcePenalties noauth:20",
                "AllowUsers sftpd-a-alice-*@" + CLIENT + " sftpd-a-bob-*");
        Path knownHosts = sftpd.dir().resolve("known_hosts-" + second.port());
        int firstBefore = accepted(first, alice, CLIENT);
        try (HaProxy haproxy = haproxy("send-proxy-v2 check inter 2s", first, second)) {
            List<String> learn = List.of("-o", "BindAddress=" + CLIENT, "-o", "UserKnownHostsFile=" + knownHosts,
                    "-o", "StrictHostKeyChecking=accept-new", "-o", "HostKeyAlias=balanced");
            List<String> strict = List.of("-o", "BindAddress=" + CLIENT, "-o", "UserKnownHostsFile=" + knownHosts,
                    "-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlias=balanced");

            haproxy.clients().sftp(alice, learn, "pwd").assertSessionIn(alice.home());
            haproxy.clients().sftp(alice, strict, "pwd").assertSessionIn(alice.home());

            first.await(() -> accepted(first, alice, CLIENT) == firstBefore + 1,
                    () -> "the first daemon did not serve exactly one of the two sessions");
            second.await(() -> accepted(second, alice, CLIENT) == 1,
                    () -> "the second daemon did not serve exactly one of the two sessions");
            // haproxy's health check: a v2 LOCAL header, served as the balancer's own connection.
            Pattern check = Pattern.compile("PROXY protocol header from 127\\.0\\.0\\.1 port \\d+: LOCAL");
            second.await(() -> second.logMatches(check).size() >= 3, () -> "three health checks served");
            assertFalse(second.logText().contains("srclimit_penalise"), "no penalty for the balancer's checks");
        } finally {
            second.close();
        }
    }

    @Test
    void perSourceMaxStartupsCountsTheClientBehindTheBalancerNotTheBalancer() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon("ProxyProtocol 127.0.0.1", "PerSourceMaxStartups 1");
        try (HaProxy haproxy = haproxy("send-proxy-v2", daemon);
             Socket silent = connect(haproxy.port(), CLIENT)) {
            assertTrue(firstLine(silent).startsWith("SSH-2.0-"), "the first connection from " + CLIENT + " is served");

            try (Socket second = connect(haproxy.port(), CLIENT)) {
                assertEquals("Exceeded MaxStartups", firstLine(second), "the second from the same client");
                daemon.awaitLine("drop connection #1 from [" + CLIENT + "]:" + second.getLocalPort() + " on [127.0.0.1]:"
                        + haproxy.port() + " past MaxStartups");
            }
            try (Socket other = connect(haproxy.port(), OTHER_CLIENT)) {
                assertTrue(firstLine(other).startsWith("SSH-2.0-"), "another client through the same balancer");
            }
        } finally {
            daemon.close();
        }
    }

    private static int accepted(DaemonProcess daemon, SystemUser user, String client) {
        return daemon.logMatches(DaemonProcess.linePattern("Accepted publickey for " + user + " from " + client
                + " port " + ANY_PORT + " ssh2: ED25519 " + user.fingerprint())).size();
    }

    /** A connection to 127.0.0.1 port {@code port} (a daemon's or haproxy's) from {@code source}. */
    private static Socket connect(int port, String source) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(source), 0);
        s.setSoTimeout((int) Poll.WAIT.toMillis());
        return s;
    }

    /** The first line the server sends, without its line end. */
    private static String firstLine(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** A PROXY v2 header (PROXY, TCP over IPv4) naming {@code source} port 5555 as the client. */
    private static byte[] v2(byte[] source) {
        return ByteBuffer.allocate(16 + 12).put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(source).put(new byte[] {127, 0, 0, 1}).putShort((short) 5555).putShort((short) 22).array();
    }

    /**
     * Everything the server sends until it closes the connection; a reset counts as the close it
     * is (a socket closed with bytes it did not read is reset).
     */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                out.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // The end, as far as the client can tell.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
