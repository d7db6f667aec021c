// What the kernel says about a worker: nobody before authentication; afterwards the user on every thread, for good, with nothing of the monitor's.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PrivilegeIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    /** A user with a supplementary group, so that a missing initgroups/setgroups shows. */
    private static SystemUser carol() {
        return sftpd.accounts().user("carol", SystemAccounts.NOLOGIN, "project");
    }

    @Test
    void everyThreadOfASessionsWorkerHasTheUsersUidGidAndGroups() {
        SystemUser carol = carol();
        Map<Long, Map<String, String>> threads = duringSession(carol, ProcFs::threadStatus);

        assertTrue(threads.size() > 1, "a JVM runs many threads: " + threads.keySet());
        List<String> uid = Collections.nCopies(4, Integer.toString(carol.uid()));
        List<String> gid = Collections.nCopies(4, Integer.toString(carol.gid()));
        threads.forEach((tid, status) -> {
            assertEquals(uid, fields(status, "Uid"), "real, effective, saved and fs uid of thread " + tid);
            assertEquals(gid, fields(status, "Gid"), "real, effective, saved and fs gid of thread " + tid);
            assertEquals(carol.groups(), fields(status, "Groups").stream().map(Integer::valueOf)
                    .collect(Collectors.toSet()), "supplementary groups of thread " + tid);
        });
    }

    @Test
    void aSessionsWorkerCannotBecomeRootAgain() {
        Map<Long, Map<String, String>> threads = duringSession(carol(), ProcFs::threadStatus);

        // With no capabilities and no uid 0 left among real, effective and saved, setuid(0) fails with EPERM.
        threads.forEach((tid, status) -> {
            assertEquals("0000000000000000", status.get("CapPrm"), "permitted capabilities of thread " + tid);
            assertEquals("0000000000000000", status.get("CapEff"), "effective capabilities of thread " + tid);
            assertEquals("0000000000000000", status.get("CapAmb"), "ambient capabilities of thread " + tid);
            assertFalse(fields(status, "Uid").contains("0"), "no uid 0 on thread " + tid + ": " + status.get("Uid"));
        });
    }

    @Test
    void aSessionsWorkerHoldsOnlyTheClientTheMonitorTheLogAndItsOwnFiles() {
        Descriptors seen = duringSession(carol(),
                worker -> new Descriptors(ProcFs.descriptors(worker), ProcFs.unixSocketPeers(worker)));
        Map<Integer, String> fds = seen.targets();

        String log = sftpd.daemon().log().toString();
        assertTrue(fds.get(0).startsWith("socket:"), "fd 0 is the client connection: " + fds);
        assertEquals(List.of(log, log), List.of(fds.get(1), fds.get(2)), "fds 1 and 2 are the daemon's log");
        assertTrue(fds.get(3).startsWith("socket:"), "fd 3 is the monitor channel: " + fds);
        Map<Integer, String> unexpected = new TreeMap<>(fds);
        unexpected.keySet().removeAll(List.of(0, 1, 2, 3));
        unexpected.values().removeIf(target -> target.equals(fds.get(0)) || target.equals(fds.get(3))
                || isOwnFile(target) || isClosedSocket(target, seen.unixPeers()));
        assertEquals(Map.of(), unexpected, "descriptors other than the client, the log, the monitor and the "
                + "worker's own files, among " + fds);
    }

    @Test
    void aWorkerBeforeAuthenticationRunsAsNobody() throws IOException {
        String[] nobody = Run.checked("getent", "passwd", "nobody").stdout().split(":");
        sftpd.daemon().awaitNoWorkers();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), sftpd.daemon().port())) {
            client.setSoTimeout((int) Poll.WAIT.toMillis());
            String banner = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertTrue(banner.startsWith("SSH-2.0-"), "the worker serves SSH: " + banner);

            ProcFs.threadStatus(sftpd.daemon().awaitSoleWorker()).forEach((tid, status) -> {
                assertEquals(List.of(nobody[2], nobody[2]), List.of(ProcFs.field(status, "Uid", 1),
                        ProcFs.field(status, "Uid", 3)), "effective and fs uid of thread " + tid);
                assertEquals(List.of(nobody[3], nobody[3]), List.of(ProcFs.field(status, "Gid", 1),
                        ProcFs.field(status, "Gid", 3)), "effective and fs gid of thread " + tid);
                assertEquals("0000000000000000", status.get("CapEff"), "effective capabilities of thread " + tid);
            });
        }
    }

    /** A worker's open descriptors, and the peers of its unix sockets (0: peer gone). */
    private record Descriptors(Map<Integer, String> targets, Map<Long, Long> unixPeers) {}

    /** Runs {@code look} on the worker while the user's session is open, then ends the session normally. */
    private static <T> T duringSession(SystemUser user, Function<Long, T> look) {
        try (WorkerSession session = sftpd.daemon().openSoleSession(user)) {
            T seen = look.apply(session.worker());
            session.client().finish().assertExit(0);
            return seen;
        }
    }

    private static List<String> fields(Map<String, String> status, String name) {
        String value = status.getOrDefault(name, "").trim();
        return value.isEmpty() ? List.of() : Arrays.asList(value.split("\\s+"));
    }

    /** The JDK's and the program's jars, and the devices the JDK opens itself. */
    private static boolean isOwnFile(String target) {
        Path path = Path.of(target);
        return path.startsWith(System.getProperty("java.home")) || path.startsWith(serverTarget())
                || Set.of("/dev/null", "/dev/random", "/dev/urandom").contains(target);
    }

    /**
     * A unix socket whose peer is gone: System.inheritedChannel() keeps one end of a socketpair it
     * made (the other end closed) to stand in for fd 0 once closed. It reaches nothing.
     */
    private static boolean isClosedSocket(String target, Map<Long, Long> peers) {
        if (!target.startsWith("socket:[")) {
            return false;
        }
        long inode = Long.parseLong(target.substring("socket:[".length(), target.length() - 1));
        return Long.valueOf(0).equals(peers.get(inode));
    }

    private static Path serverTarget() {
        try {
            return Sftpd.repository().resolve("server/target").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
