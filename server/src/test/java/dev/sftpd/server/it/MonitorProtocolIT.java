// A transport that breaks the monitor protocol is killed and its connection cut; the daemon serves on.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The daemon's transports are ScriptedTransport: real ones unless the test writes a script first. */
class MonitorProtocolIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withTransportMain(ScriptedTransport.class, "MaxAuthTries 3");

    @AfterEach
    void realTransportsAgain() throws Exception {
        Files.deleteIfExists(ScriptedTransport.scriptFile());
    }

    /**
     * Connects while the script is in place: the monitor must log the violation, SIGKILL the
     * transport, reap it and so close the client's connection, with nobody logged in; then a real
     * session must still work.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ScriptedTransport.Script.class)
    void aTransportBreakingTheProtocolIsCutOffAndTheDaemonServesOn(ScriptedTransport.Script misbehaviour)
            throws Exception {
        Files.writeString(ScriptedTransport.scriptFile(), misbehaviour.name());
        DaemonProcess daemon = sftpd.daemon();
        int clientPort;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
            clientPort = client.getLocalPort();
            client.setSoTimeout((int) Poll.WAIT.toMillis());
            MatchResult logged = daemon.awaitLog(Pattern.compile("monitor: transport (\\d+) for 127\\.0\\.0\\.1 port "
                    + client.getLocalPort() + ": (.*); killing it"));
            long transport = Long.parseLong(logged.group(1));
            assertTrue(logged.group(2).contains(misbehaviour.violation), logged.group());

            assertEquals(-1, readOrReset(client), "the connection is closed");
            daemon.awaitLog("transport " + transport + " for 127.0.0.1 port " + client.getLocalPort()
                    + " killed by signal 9");
            daemon.await(() -> !ProcFs.exists(transport), () -> "transport " + transport + " was not reaped");
        }
        Files.delete(ScriptedTransport.scriptFile());

        Pattern accepted = Pattern.compile("(?m)^Accepted .* port " + clientPort + " ");
        assertFalse(accepted.matcher(daemon.logText()).find(), "nobody logged in:\n" + daemon.logText());
        assertTrue(daemon.isAlive(), "the daemon runs on");
        SystemUser alice = sftpd.user("alice");
        sftpd.clients().sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());
    }

    /** What the client reads: -1 for end of stream, as for a reset (the transport died with data unread). */
    private static int readOrReset(Socket client) throws IOException {
        try {
            return client.getInputStream().read();
        } catch (SocketException e) {
            return -1;
        }
    }
}
