// TransportPoolSize ready:most: a burst of connections that empties the pool raises it, and the next burst is served by processes started before it came.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PoolBurstIT {
    private static final int BURST = 4;
    private static final int METRICS_PORT = DaemonProcess.freePort();
    private static final String URL = "http://127.0.0.1:" + METRICS_PORT + "/metrics";

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("MetricsListenAddress 127.0.0.1:" + METRICS_PORT,
            "TransportPoolSize 1:" + BURST, "EnginePoolSize 1");

    @Test
    void aBurstRaisesTheTransportPoolAndTheNextBurstFindsItsTransportsStarted() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        daemon.awaitLog("transport (IPv4) pool keeps 1 ready (size 1:" + BURST + ";");

        assertEquals(1, Scrape.of(URL).value("sftpd_pool_size{pool=transport_ipv4}"));
        List<Long> first = burst(daemon);
        daemon.awaitLog("transport (IPv4) pool keeps " + BURST + " ready (size 1:" + BURST
                + "; the largest burst of the last 10 minutes took " + BURST + ")");
        assertEquals(BURST, Scrape.of(URL).value("sftpd_pool_size{pool=transport_ipv4}"));
        Poll.until(() -> Scrape.of(URL).value("sftpd_pool_ready{pool=transport_ipv4}") == BURST,
                () -> "the raised pool fills");
        Set<Long> pooled = new HashSet<>();
        daemon.await(() -> {
            pooled.clear();
            pooled.addAll(transports(daemon));
            pooled.removeAll(first);
            return pooled.size() == BURST && transports(daemon).size() == BURST;
        }, () -> "the first burst's transports exit: " + transports(daemon));

        List<Long> second = burst(daemon);
        assertEquals(pooled, Set.copyOf(second), "the second burst was served by the transports started for it");
        assertEquals(1, daemon.logMatches(Pattern.compile("pool keeps " + BURST + " ready")).size(),
                "the target did not move again: " + daemon.logText());
        SystemUser alice = sftpd.user("alice");
        sftpd.clients().sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());
    }

    /** BURST connections opened together, each served (its transport sent the SSH banner), then closed; their transports. */
    private static List<Long> burst(DaemonProcess daemon) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        List<Long> served = new ArrayList<>();
        try {
            for (int i = 0; i < BURST; i++) {
                sockets.add(new Socket(InetAddress.getLoopbackAddress(), daemon.port()));
            }
            for (Socket s : sockets) {
                s.setSoTimeout((int) Poll.WAIT.toMillis());
                String banner = firstLine(s.getInputStream());
                assertTrue(banner.startsWith("SSH-2.0-"), "an SSH banner, not: " + banner);
                served.add(daemon.awaitTransport(s.getLocalPort()));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        return served;
    }

    /** The daemon's transports, pooled or serving. */
    private static List<Long> transports(DaemonProcess daemon) {
        return daemon.children().stream()
                .filter(pid -> ProcFs.commandLine(pid).contains("dev.sftpd.transport.TransportMain")).toList();
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
