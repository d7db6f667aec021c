// A restart that cuts nothing: the new daemon takes the listening socket over, the old one drains and exits.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.LoginRecords;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestartIT {
    private static final Pattern OPENED = Pattern.compile("(?m)^Connection from ");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void aNewDaemonTakesTheListenerOverWhileALiveTransferCompletesOnTheOldOne() throws Exception {
        DaemonProcess old = sftpd.startDaemon();
        SystemUser alice = sftpd.user("alice");
        Path big = sftpd.randomFile("across-restart", 16 << 20);
        Path remote = alice.home().resolve("across-restart");
        String closed = "close \"" + remote + "\" bytes read 0 written " + Files.size(big);
        long listener = listeningSocketInode(old.port());
        // 8 Mbit/s: the 16 MiB upload lasts about 16 s, across the whole restart.
        UserSession session = old.openSession(alice, List.of("-l", "8192"));
        DaemonProcess next;
        try (session) {
            session.client().send("put " + big + " " + remote);
            session.client().send("!echo put-done");

            next = sftpd.startSuccessor(old);

            assertFalse(old.logText().contains(closed), "the upload is still going when the new daemon listens");
            next.awaitLog("Took 1 listening sockets over from the daemon with pid " + old.pid());
            old.awaitLog("Handed 1 listening sockets to the daemon with pid " + next.pid());
            assertTrue(ProcFs.descriptors(next.pid()).containsValue("socket:[" + listener + "]"),
                    "the new daemon listens on the old one's socket, so no connection is refused meanwhile");
            old.awaitLog("No longer accepting on 127.0.0.1 port " + old.port() + ": the new daemon has it.");
            int oldConnections = old.logMatches(OPENED).size();
            new OpenSsh(old.port()).sftp(sftpd.user("bob"), "pwd").assertExit(0);
            assertEquals(1, next.logMatches(OPENED).size(), "the new daemon serves new connections");
            assertEquals(oldConnections, old.logMatches(OPENED).size(), "the old one takes none");
            old.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + next.pid() + ")");

            session.client().awaitStdout("put-done");
            old.awaitLog(closed);
            assertEquals(-1, Files.mismatch(big, remote), "the upload across the restart is whole");
            assertTrue(old.isAlive(), "the old daemon waits for its last session");
            session.client().finish().assertExit(0);
        }

        assertTrue(old.process().waitFor(30, TimeUnit.SECONDS), "the old daemon exits after its last session");
        assertEquals(0, old.process().exitValue());
        old.awaitLog("The last connection has ended; exiting.");
        LoginRecords.awaitLogout(alice, session.session());
        assertTrue(Files.exists(old.controlSocket()), "the new daemon's control socket stays");
        assertTrue(next.isAlive());
    }

    @Test
    void sftpdORestartStartsASuccessorThatBecomesTheServicesMainProcess() throws Exception {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-restart").toString())) {
            DaemonProcess old = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1") && d.contains("MAINPID=" + old.pid() + "\n"), "READY=1 at start");
            SystemUser carol = sftpd.user("carol");
            UserSession session = old.openSession(carol);
            long successor = 0;
            try (session) {
                String sent = old.sftpdControl("restart").assertExit(0)
                        .assertStderr("Restart request sent: the new daemon's pid is ").stderr();
                successor = Long.parseLong(sent.replaceAll("(?s).*pid is (\\d+)\\..*", "$1"));
                long next = successor;

                notify.await(d -> d.contains("READY=1") && d.contains("MAINPID=" + next + "\n"),
                        "READY=1 from the new daemon, naming itself the main process");
                old.awaitLog("Handed 1 listening sockets to the daemon with pid " + next);
                old.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + next + ")");
                new OpenSsh(old.port()).sftp(sftpd.user("dave"), "pwd").assertExit(0);
                session.client().send("mkdir made-after-restart");
                session.client().send("!echo still-here");
                session.client().awaitStdout("still-here");
                assertTrue(Files.isDirectory(carol.home().resolve("made-after-restart")));
                session.client().finish().assertExit(0);

                assertTrue(old.process().waitFor(30, TimeUnit.SECONDS), "the old daemon exits after its session");
                assertTrue(notify.receiveFor(1000).stream().noneMatch(d -> d.contains("STOPPING=1")),
                        "the old daemon does not tell systemd the service is stopping: " + notify.received());
                assertTrue(ProcFs.exists(next), "the new daemon serves on");
            } finally {
                if (successor > 0) {
                    long next = successor;
                    Run.run(List.of("kill", "-TERM", Long.toString(next)), new byte[0]);
                    Poll.until(() -> !ProcFs.exists(next), () -> "the new daemon " + next + " did not stop");
                }
            }
        }
    }

    @Test
    void aDaemonThatOnlySharesTheControlSocketPathLeavesTheRunningOneAlone() {
        DaemonProcess running = sftpd.startDaemon();

        DaemonProcess other = sftpd.startDaemon("ControlSocket " + running.controlSocket());

        other.awaitLog("ControlSocket " + running.controlSocket() + " belongs to the daemon with pid " + running.pid()
                + ", which listens elsewhere");
        running.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + running.pid() + ")");
        new OpenSsh(running.port()).sftp(sftpd.user("erin"), "pwd").assertExit(0);
        assertFalse(running.logText().contains("Stopped listening"), running.logText());
        assertEquals(1, running.logMatches(OPENED).size(), "the running daemon still takes its connections");
    }

    /** The inode of the socket listening on 127.0.0.1:port, from /proc/net/tcp (state 0A is LISTEN). */
    private static long listeningSocketInode(int port) throws IOException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream().map(String::trim)
                .map(line -> line.split("\\s+")).filter(f -> f[1].equals(local) && f[3].equals("0A"))
                .mapToLong(f -> Long.parseLong(f[9])).findFirst()
                .orElseThrow(() -> new AssertionError("nothing listens on 127.0.0.1 port " + port));
    }
}
