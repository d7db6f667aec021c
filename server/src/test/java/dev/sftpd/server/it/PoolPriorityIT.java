// Processes the pools' refill starts take only idle CPU until a connection takes them, then serve it as the daemon runs: what /proc says of their threads.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PoolPriorityIT {
    private static final int METRICS_PORT = DaemonProcess.freePort();
    private static final String URL = "http://127.0.0.1:" + METRICS_PORT + "/metrics";
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_IDLE = 5;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("MetricsListenAddress 127.0.0.1:" + METRICS_PORT,
            "TransportPoolSize 1", "EnginePoolSize 1");

    @Test
    void aRefilledTransportAndEngineRunOnIdleCpuUntilASessionTakesThem() {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess daemon = sftpd.daemon();
        // The daemon starts the first of each pool in the foreground; this session takes them, and the refill
        // thread starts their replacements.
        Set<Long> first;
        try (UserSession session = daemon.openSession(alice)) {
            session.client().finish().assertExit(0);
            first = Set.of(session.transport(), session.session());
        }
        Poll.until(() -> {
            Scrape scrape = Scrape.of(URL);
            return scrape.value("sftpd_pool_ready{pool=transport_ipv4}") == 1
                    && scrape.value("sftpd_pool_ready{pool=engine}") == 1;
        }, () -> "the pools refill");
        long transport = pooled(daemon, first, "dev.sftpd.transport.TransportMain");
        long shell = pooled(daemon, first, "sftpd-session");
        long engine = ProcFs.children(shell).get(0);

        for (long pid : List.of(transport, shell, engine)) {
            assertEquals(Set.of(SCHED_IDLE), policies(pid), "the threads of pooled process " + pid + ": "
                    + ProcFs.commandLine(pid));
        }
        assertEquals(OptionalInt.of(19), ProcFs.autogroupNice(shell), "the pooled engine's session");
        // A daemon started from init's session (a CI runner's, a service's) belongs to no autogroup.
        OptionalInt daemonNice = ProcFs.autogroupNice(daemon.pid());
        assertTrue(daemonNice.isEmpty() || daemonNice.getAsInt() == 0,
                "the daemon's session, which its transports share: " + daemonNice);

        try (UserSession session = daemon.openSession(alice)) {
            assertEquals(transport, session.transport(), "the session was served by the pooled transport");
            assertEquals(shell, session.session(), "and by the pooled engine");
            for (long pid : List.of(transport, shell, engine)) {
                Map<Long, Integer> threads = ProcFs.schedulingPolicies(pid);
                assertTrue(threads.size() > (pid == shell ? 0 : 1), "threads of " + pid + ": " + threads);
                assertEquals(Set.of(SCHED_OTHER), Set.copyOf(threads.values()), "the threads of " + pid
                        + " once taken: " + threads);
            }
            assertEquals(OptionalInt.of(0), ProcFs.autogroupNice(shell), "the engine's session once taken");
            session.client().finish().assertExit(0);
        }
        assertFalse(daemon.logText().contains("cannot move a pre-started"), daemon.logText());
    }

    /** The daemon's one child, other than those of the first session, whose command line holds {@code marker}. */
    private static long pooled(DaemonProcess daemon, Set<Long> first, String marker) {
        List<Long> found = daemon.children().stream()
                .filter(pid -> !first.contains(pid) && ProcFs.commandLine(pid).contains(marker)).toList();
        assertEquals(1, found.size(), "pooled processes running " + marker + ": " + found);
        return found.get(0);
    }

    private static Set<Integer> policies(long pid) {
        return ProcFs.schedulingPolicies(pid).values().stream().collect(Collectors.toSet());
    }
}
