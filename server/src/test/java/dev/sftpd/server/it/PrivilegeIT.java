// What the kernel says about a connection's processes: the transport confined from its first instruction, the engine exactly the user.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    private static final String NO_CAPABILITIES = "0000000000000000";

    /** A user with a supplementary group, so that a missing initgroups/setgroups shows. */
    private static SystemUser carol() {
        return sftpd.accounts().user("carol", SystemAccounts.NOLOGIN, "project");
    }

    @Test
    void theTransportIsConfinedOnEveryThreadBeforeAuthentication() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), sftpd.daemon().port())) {
            client.setSoTimeout((int) Poll.WAIT.toMillis());
            String banner = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertTrue(banner.startsWith("SSH-2.0-"), "the transport serves SSH: " + banner);

            assertConfined(sftpd.daemon().awaitTransport(client.getLocalPort()));
        }
    }

    @Test
    void theTransportStaysConfinedAfterAuthentication() {
        duringSession(carol(), session -> {
            assertConfined(session.transport());
            return session;
        });
    }

    @Test
    void everyThreadOfTheEngineHasExactlyTheUsersIdsAndGroupsAndNoCapabilities() {
        SystemUser carol = carol();
        Map<Long, Map<String, String>> threads = duringSession(carol, s -> ProcFs.threadStatus(s.engine()));

        assertTrue(threads.size() > 1, "a JVM runs many threads: " + threads.keySet());
        List<String> uid = Collections.nCopies(4, Integer.toString(carol.uid()));
        List<String> gid = Collections.nCopies(4, Integer.toString(carol.gid()));
        threads.forEach((tid, status) -> {
            assertEquals(uid, fields(status, "Uid"), "real, effective, saved and fs uid of thread " + tid);
            assertEquals(gid, fields(status, "Gid"), "real, effective, saved and fs gid of thread " + tid);
            assertEquals(carol.groups(), fields(status, "Groups").stream().map(Integer::valueOf)
                    .collect(Collectors.toSet()), "supplementary groups of thread " + tid);
            for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapAmb")) {
                assertEquals(NO_CAPABILITIES, status.get(set), set + " of thread " + tid);
            }
        });
    }

    @Test
    void theEngineHoldsOnlyItsSocketTheLogAndItsOwnFiles() {
        Descriptors seen = duringSession(carol(),
                s -> new Descriptors(ProcFs.descriptors(s.engine()), ProcFs.unixSocketPeers(s.engine())));
        Map<Integer, String> fds = seen.targets();

        assertTrue(fds.get(0).startsWith("socket:"), "fd 0 is the transport's relay: " + fds);
        assertEquals(fds.get(0), fds.get(1), "fds 0 and 1 are the same socket: " + fds);
        String log = sftpd.daemon().log().toString();
        assertEquals(log, fds.get(2), "fd 2 is the daemon's stderr (it runs with -e)");
        Map<Integer, String> unexpected = new TreeMap<>(fds);
        unexpected.keySet().removeAll(List.of(0, 1, 2));
        unexpected.values().removeIf(target -> target.equals(fds.get(0)) || isOwnFile(target)
                || isClosedSocket(target, seen.unixPeers()));
        assertEquals(Map.of(), unexpected, "descriptors other than the relay, the log and the engine's own files");
    }

    @Test
    void jcmdReachesNoneOfASessionsProcesses() {
        SystemUser carol = carol();
        Map<String, Outcome> attempts = duringSession(carol, s -> Map.of(
                "the user against the engine", jcmd(carol.name(), s.engine()),
                "the user against the session", jcmd(carol.name(), s.session()),
                "the sftpd user against the transport", jcmd("sftpd", s.transport())));

        attempts.forEach((who, outcome) -> {
            assertNotEquals(0, outcome.exitCode(), who + ": " + outcome);
            assertFalse(outcome.stdout().contains("JDK"), who + " read the JVM's version: " + outcome);
        });
    }

    /**
     * No id 0 anywhere and no capability on any thread, no_new_privs, a seccomp filter, a root
     * directory other than /, and nothing on fds 1 and 2 but /dev/null.
     */
    private static void assertConfined(long transport) {
        String[] sftpdUser = Run.checked("getent", "passwd", "sftpd").stdout().strip().split(":");
        Map<Long, Map<String, String>> threads = ProcFs.threadStatus(transport);
        assertTrue(threads.size() > 1, "a JVM runs many threads: " + threads.keySet());
        threads.forEach((tid, status) -> {
            assertEquals(Collections.nCopies(4, sftpdUser[2]), fields(status, "Uid"), "uids of thread " + tid);
            assertEquals(Collections.nCopies(4, sftpdUser[3]), fields(status, "Gid"), "gids of thread " + tid);
            assertEquals(List.of(), fields(status, "Groups"), "supplementary groups of thread " + tid);
            for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
                assertEquals(NO_CAPABILITIES, status.get(set), set + " of thread " + tid);
            }
            assertEquals("1", status.get("NoNewPrivs"), "no_new_privs of thread " + tid);
            assertEquals("2", status.get("Seccomp"), "seccomp filter mode of thread " + tid);
        });
        try {
            Path root = Files.readSymbolicLink(Path.of("/proc", Long.toString(transport), "root"));
            assertNotEquals(Path.of("/"), root, "the transport's root directory");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Integer, String> fds = ProcFs.descriptors(transport);
        assertTrue(fds.get(1).endsWith("/dev/null") && fds.get(2).endsWith("/dev/null"),
                "fds 1 and 2 are /dev/null, never the daemon's log: " + fds);
        assertTrue(fds.get(3).startsWith("socket:"), "fd 3 is the monitor channel: " + fds);
    }

    /** A process's open descriptors, and the peers of its unix sockets (0: peer gone). */
    private record Descriptors(Map<Integer, String> targets, Map<Long, Long> unixPeers) {}

    /**
     * A unix socket whose peer is gone: the JDK's NIO keeps one end of a socketpair it made (the
     * other end closed) to dup2 over descriptors it closes. It reaches nothing.
     */
    private static boolean isClosedSocket(String target, Map<Long, Long> peers) {
        if (!target.startsWith("socket:[")) {
            return false;
        }
        long inode = Long.parseLong(target.substring("socket:[".length(), target.length() - 1));
        return Long.valueOf(0).equals(peers.get(inode));
    }

    private static Outcome jcmd(String user, long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Run.run(List.of("runuser", "-u", user, "--", jcmd.toString(), Long.toString(pid), "VM.version"),
                new byte[0]);
    }

    /** Runs {@code look} while the user's session is open, then ends the session normally. */
    private static <T> T duringSession(SystemUser user, Function<UserSession, T> look) {
        try (UserSession session = sftpd.daemon().openSession(user)) {
            T seen = look.apply(session);
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

    private static Path serverTarget() {
        try {
            return Sftpd.repository().resolve("server/target").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
