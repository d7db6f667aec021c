// SIGHUP reloads the configuration: live sessions go on, new connections get the new one, a bad one is refused.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReloadIT {
    private static final String RELOADED = "Reloaded ";
    private static final String REFUSED = "not reloaded, still serving with the previous configuration";

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void aLiveSessionSurvivesHupAndKeepsTransferring() throws IOException {
        DaemonProcess daemon = sftpd.daemon();
        SystemUser alice = sftpd.user("alice");
        Path big = sftpd.randomFile("big", 48 << 20);
        Path back = sftpd.dir().resolve("big-back");
        try (UserSession session = daemon.openSession(alice)) {
            daemon.rewriteConfig("MaxAuthTries 4");

            session.client().send("put " + big + " uploaded-big");
            daemon.hangUp();
            session.client().send("!echo put-done");
            daemon.awaitLog(RELOADED);
            session.client().awaitStdout("put-done");
            session.client().send("get uploaded-big " + back);
            session.client().send("!echo get-done");
            session.client().awaitStdout("get-done");

            assertEquals(-1, Files.mismatch(big, alice.home().resolve("uploaded-big")), "the upload across the HUP");
            assertEquals(-1, Files.mismatch(big, back), "a download after the HUP");
            assertTrue(ProcFs.exists(session.transport()) && ProcFs.exists(session.engine()),
                    "the session's transport and engine live on");
            session.client().finish().assertExit(0);
        }
        assertTrue(daemon.isAlive());
        daemon.awaitLog("Received SIGHUP; reloading the configuration.");
    }

    @Test
    void aNewConnectionAfterHupSeesTheNewPortAndAllowUsers() {
        DaemonProcess daemon = sftpd.startDaemon();
        SystemUser alice = sftpd.user("alice");
        SystemUser bob = sftpd.user("bob");
        new OpenSsh(daemon.port()).sftp(bob, "pwd").assertExit(0);
        int newPort = DaemonProcess.freePort();

        daemon.rewriteConfig("Port " + newPort, "AllowUsers " + alice.name());
        daemon.hangUp();
        daemon.awaitLog(RELOADED);

        daemon.awaitLog("Server listening on 127.0.0.1 port " + newPort + ".");
        daemon.awaitLog("Server no longer listening on 127.0.0.1 port " + daemon.port() + ".");
        new OpenSsh(newPort).sftp(alice, "pwd").assertExit(0);
        new OpenSsh(newPort).sftp(bob, "pwd").assertExit(255);
        daemon.awaitLog("User " + bob.name() + " from 127.0.0.1 not allowed because not listed in AllowUsers");
        new OpenSsh(daemon.port()).sftp(alice, "pwd").assertExit(255).assertStderr("Connection refused");
    }

    @Test
    void aBadConfigurationOnHupIsLoggedWithItsLinesAndTheOldOneKeepsServing() {
        DaemonProcess daemon = sftpd.startDaemon();
        SystemUser alice = sftpd.user("alice");
        String file = daemon.configFile().toString();

        daemon.rewriteConfig("NoSuchOption yes", "Port 70000", "AllowUsers nobody");
        daemon.hangUp();

        daemon.awaitLog(file + ": line 1: Bad configuration option: NoSuchOption");
        daemon.awaitLog(file + " line 2: ");
        daemon.awaitLog(file + ": 2 bad configuration options; " + REFUSED);
        new OpenSsh(daemon.port()).sftp(alice, "pwd").assertExit(0);
        assertTrue(daemon.isAlive());
        assertTrue(!daemon.logText().contains(RELOADED), "nothing was reloaded");
    }

    @Test
    void aHostKeyChangedOnHupIsTheOneNewConnectionsSee() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon();
        Path newKey = sftpd.dir().resolve("hostkeys").resolve("reloaded_ed25519_key");
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", newKey.toString());
        assertTrue(keyscan(daemon).contains(blob(sftpd.hostKey())), "the first key at first");

        daemon.rewriteConfig("HostKey " + newKey);
        daemon.hangUp();
        daemon.awaitLog(RELOADED);

        String offered = keyscan(daemon);
        assertTrue(offered.contains(blob(newKey)), "the new key after the HUP: " + offered);
        assertTrue(!offered.contains(blob(sftpd.hostKey())), "and not the old one: " + offered);
    }

    @Test
    void aHostKeyThatCannotBeLoadedOnHupIsReportedWithItsLine() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon();
        Path missing = sftpd.dir().resolve("no-such-host-key");

        daemon.rewriteConfig("HostKey " + missing);
        daemon.hangUp();

        daemon.awaitLog(daemon.configFile() + " line 1: Could not load host key: " + missing);
        daemon.awaitLog(daemon.configFile() + ": 1 bad configuration options; " + REFUSED);
        assertTrue(keyscan(daemon).contains(blob(sftpd.hostKey())), "the old key still serves");
    }

    /**
     * What ssh-keyscan, an OpenSSH client, is offered by a new connection: "host type base64" lines.
     * Its 5 s default timeout is shorter than a transport's start on a busy machine (right after a
     * reload retired the ready ones), hence -T 30.
     */
    private static String keyscan(DaemonProcess daemon) {
        Outcome scan = Run.run(List.of("ssh-keyscan", "-T", "30", "-t", "ed25519", "-p",
                Integer.toString(daemon.port()), "127.0.0.1"), new byte[0]);
        assertEquals(0, scan.exitCode(), () -> scan + "\nthe daemon's log:\n" + daemon.logText());
        return scan.stdout();
    }

    /** The base64 public key of a private key file, from its .pub. */
    private static String blob(Path key) throws IOException {
        return Files.readString(Path.of(key + ".pub")).split(" ")[1];
    }
}
