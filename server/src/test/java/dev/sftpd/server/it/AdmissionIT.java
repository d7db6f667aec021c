// MaxStartups and PerSourceMaxStartups as sshd: connections past the limits are refused before any process is spent on them.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdmissionIT {
    private static final int LIMIT = 3;
    private static final int EXCESS = 5;
    private static final Pattern SERVED = Pattern.compile("(?m)^transport \\d+ serves ");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("PerSourceMaxStartups " + LIMIT, "MaxStartups 50:30:100");

    @Test
    void silentConnectionsPastPerSourceMaxStartupsAreRefusedWithoutAProcessWhileOtherSourcesLogIn()
            throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        InetAddress source = InetAddress.getByName("127.0.0.2");
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                silent.add(admitted(daemon, source));
            }
            List<Long> processes = settled(daemon);
            int served = daemon.logMatches(SERVED).size();

            for (int i = 0; i < EXCESS; i++) {
                assertRefused(daemon, source);
            }

            assertEquals(processes, settled(daemon), "no process was started or used for a refused connection");
            assertEquals(served, daemon.logMatches(SERVED).size(), "no transport was handed a refused connection");
            SystemUser alice = sftpd.user("alice");
            sftpd.clients().sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void connectionsPastMaxStartupsAreRefusedUntilOneAuthenticatesOrCloses() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon("MaxStartups 2");
        InetAddress source = InetAddress.getByName("127.0.0.3");
        try (Socket first = admitted(daemon, source); Socket second = admitted(daemon, source)) {
            List<Long> processes = settled(daemon);

            assertRefused(daemon, InetAddress.getLoopbackAddress());
            assertRefused(daemon, source);

            assertEquals(processes, settled(daemon), "no process was started or used for a refused connection");
            first.close();
            daemon.awaitLog("Connection closed by 127.0.0.3 port " + first.getLocalPort());
            admitted(daemon, source).close();
        }
    }

    /** A connection the daemon admitted: its transport sends the SSH banner. */
    private static Socket admitted(DaemonProcess daemon, InetAddress source) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.port(), source, 0);
        s.setSoTimeout((int) Poll.WAIT.toMillis());
        String banner = firstLine(s.getInputStream());
        if (!banner.startsWith("SSH-2.0-")) {
            s.close();
            throw new AssertionError("expected an SSH banner from an admitted connection, got: " + banner);
        }
        return s;
    }

    /** sshd's refusal, then the end of the connection, and its log line. */
    private static void assertRefused(DaemonProcess daemon, InetAddress source) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.port(), source, 0)) {
            s.setSoTimeout((int) Poll.WAIT.toMillis());
            InputStream in = s.getInputStream();
            assertEquals("Exceeded MaxStartups", firstLine(in), "what a refused client reads");
            assertEquals(-1, in.read(), "then the connection ends");
            daemon.awaitLog(Pattern.compile("drop connection #\\d+ from \\[" + Pattern.quote(source.getHostAddress())
                    + "\\]:" + s.getLocalPort() + " on \\[127\\.0\\.0\\.1\\]:" + daemon.port() + " past MaxStartups"));
        }
    }

    /** The daemon's children once the pools have refilled: two looks a second apart agree. */
    private static List<Long> settled(DaemonProcess daemon) {
        AtomicReference<List<Long>> seen = new AtomicReference<>(daemon.children());
        daemon.await(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Long> now = daemon.children();
            return now.equals(seen.getAndSet(now));
        }, () -> "the daemon's children kept changing: " + seen.get());
        return seen.get().stream().sorted().toList();
    }

    private static String firstLine(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString();
    }
}
