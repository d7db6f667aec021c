// The transport's relay to the engine: requests go in from MINA's reading thread, and what the engine's socket cannot take waits, in order.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EngineRelayIT {
    private static final int SMALL_FILES = 100;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    /**
     * The engine is stopped in the middle of an upload (the client limited to 16 Mbit/s so that
     * it is): its socket fills, the client's data waits in the transport until the channel's
     * window closes, and once the engine runs again every byte arrives, in order.
     */
    @Test
    void anUploadWhoseEngineStallsArrivesWholeAndInOrder() throws Exception {
        SystemUser alice = sftpd.user("alice");
        Path big = sftpd.randomFile("stalled", 8 << 20);
        Path remote = alice.home().resolve("stalled");
        try (UserSession session = sftpd.daemon().openSession(alice, List.of("-l", "16384"))) {
            session.client().send("put " + big + " stalled");
            session.client().send("!echo put-done");
            sftpd.daemon().await(() -> size(remote) > 0, () -> "the upload has not started");
            String engine = Long.toString(session.engine());
            Run.checked("kill", "-STOP", engine);
            try {
                sftpd.daemon().await(() -> stopped(session.engine()), () -> "engine " + engine + " did not stop");
                long stopped = size(remote);
                Thread.sleep(2_000);
                assertEquals(stopped, size(remote), "nothing is written while the engine is stopped");
                assertFalse(session.client().stdoutSoFar().contains("put-done"), "the upload waits for the engine");
            } finally {
                Run.checked("kill", "-CONT", engine);
            }
            session.client().awaitStdout("put-done");
            assertEquals(-1, Files.mismatch(big, remote), "the upload, across the stall");
            session.client().finish().assertExit(0);
        }
    }

    /**
     * A session of small requests, each answered before the next is sent: each goes into the
     * engine's socket from MINA's reading thread, so the relay-in thread, which only writes what
     * the socket could not take at once, stays asleep instead of waking for every request.
     */
    @Test
    void smallRequestsReachTheEngineWithoutWakingTheRelayThread() throws Exception {
        SystemUser bob = sftpd.user("bob");
        bob.createFile("small", "a small file\n", "rw-r--r--");
        Path back = sftpd.dir().resolve("small-back");
        try (UserSession session = sftpd.daemon().openSession(bob)) {
            long before = relayInWakeUps(session.transport());
            for (int i = 0; i < SMALL_FILES; i++) {
                session.client().send("get small " + back);
            }
            session.client().send("!echo gets-done");
            session.client().awaitStdout("gets-done");
            long wakeUps = relayInWakeUps(session.transport()) - before;

            assertEquals("a small file\n", Files.readString(back));
            // Each get is an open, a stat, two reads and a close: five requests, 500 in all.
            assertTrue(wakeUps < SMALL_FILES / 10, "relay-in woke " + wakeUps + " times for " + SMALL_FILES + " gets");
            session.client().finish().assertExit(0);
        }
    }

    /** The voluntary context switches of the transport's relay-in thread: how often it blocked and was woken. */
    private static long relayInWakeUps(long transport) {
        List<Map<String, String>> relayIn = ProcFs.threadStatus(transport).values().stream()
                .filter(status -> "relay-in".equals(status.get("Name").trim())).toList();
        assertEquals(1, relayIn.size(), "relay-in threads of transport " + transport);
        return Long.parseLong(relayIn.get(0).get("voluntary_ctxt_switches").trim());
    }

    /** Whether every thread of the process is stopped by a signal ("T (stopped)"): a write under way has ended. */
    private static boolean stopped(long pid) {
        return ProcFs.threadStatus(pid).values().stream().allMatch(status -> status.get("State").startsWith("T"));
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
