// systemctl stop and restart as the unit makes them (ExecStop=sftpd -O stop, SIGTERM to MAINPID, ExecStart), played step by step: a live transfer finishes.
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PID 1 here is not systemd, so the test plays its part with what it would use: a real
 * NOTIFY_SOCKET, the unit's ExecStop command, a SIGTERM to the process MAINPID= named last, and a
 * second daemon started as ExecStart starts it. (PackageIT checks the unit with systemd-analyze.)
 */
class ServiceStopIT {
    private static final Pattern OPENED = Pattern.compile("(?m)^Connection from ");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void aRestartLeavesALiveTransferToFinishOnTheOldMonitorAndTheNewOneServesNewConnections() throws Exception {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-stop").toString())) {
            DaemonProcess old = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1") && d.contains("MAINPID=" + old.pid() + "\n"), "READY=1 at start");
            SystemUser alice = sftpd.user("alice");
            Path big = sftpd.randomFile("across-stop", 16 << 20);
            Path remote = alice.home().resolve("across-stop");
            // 8 Mbit/s: the 16 MiB upload lasts about 16 s, across the whole stop and start.
            UserSession session = old.openSession(alice, List.of("-l", "8192"));
            try (session) {
                session.client().send("put " + big + " " + remote);
                session.client().send("!echo put-done");

                // ExecStop=-/usr/sbin/sftpd -O stop
                old.sftpdControl("stop").assertExit(0).assertStderr("Stop listening request sent.");
                String stepped = notify.await(d -> d.contains("MAINPID=") && !d.contains("MAINPID=" + old.pid() + "\n"),
                        "MAINPID= of a stand-in");
                long standIn = Long.parseLong(stepped.replaceAll("(?s).*MAINPID=(\\d+).*", "$1"));
                assertTrue(ProcFs.children(old.pid()).contains(standIn), "the stand-in is the daemon's child");
                old.awaitLog("The service's main process is now " + standIn + ", a stand-in");
                // systemd's SIGTERM to the main process, which is the stand-in now
                Run.checked("kill", "-TERM", Long.toString(standIn));
                Poll.until(() -> !ProcFs.exists(standIn), () -> "the stand-in " + standIn + " did not end");
                assertTrue(old.isAlive(), "the draining daemon is not the main process: the SIGTERM missed it");

                // ExecStart=/usr/sbin/sftpd -D: the same port and control socket
                DaemonProcess next = sftpd.startSuccessor(old);
                next.awaitLog("The daemon with pid " + old.pid() + " at ControlSocket " + old.controlSocket()
                        + " is draining its connections; this one takes the ControlSocket over.");
                new OpenSsh(old.port()).sftp(sftpd.user("bob"), "pwd").assertExit(0);
                assertEquals(1, next.logMatches(OPENED).size(), "the new daemon serves new connections");
                next.sshControl("check").assertExit(0).assertStderr("Master running (pid=" + next.pid() + ")");

                session.client().awaitStdout("put-done");
                assertEquals(-1, Files.mismatch(big, remote), "the upload across the restart is whole");
                session.client().finish().assertExit(0);
            }
            assertTrue(old.process().waitFor(30, TimeUnit.SECONDS), "the old daemon exits after its last session");
            assertEquals(0, old.process().exitValue());
            old.awaitLog("The last connection has ended; exiting.");
            LoginRecords.awaitLogout(alice, session.session());
            assertFalse(notify.received().stream().anyMatch(d -> d.contains("STOPPING=1")),
                    "the draining daemon never said the service is stopping: " + notify.received());
        }
    }

    /** Without connections there is nothing to drain: the daemon exits, and systemd's stop is over at once. */
    @Test
    void aStopWithoutConnectionsEndsTheDaemonItself() throws Exception {
        try (NotifySocket notify = NotifySocket.bind(sftpd.dir().resolve("notify-idle").toString())) {
            DaemonProcess idle = sftpd.startDaemon(Map.of("NOTIFY_SOCKET", notify.address()));
            notify.await(d -> d.contains("READY=1"), "READY=1 at start");

            idle.sftpdControl("stop").assertExit(0);

            assertTrue(idle.process().waitFor(30, TimeUnit.SECONDS), "the idle daemon exits");
            assertFalse(idle.logText().contains("a stand-in"), idle.logText());
        }
    }
}
