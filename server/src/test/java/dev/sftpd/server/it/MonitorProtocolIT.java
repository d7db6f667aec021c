// A worker that breaks the monitor protocol is killed and its connection cut; the daemon serves on.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The daemon's workers are ScriptedWorker: real workers unless the test writes a script first. */
class MonitorProtocolIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withWorkerMain(ScriptedWorker.class);

    @AfterEach
    void realWorkersAgain() throws IOException {
        Files.deleteIfExists(script());
    }

    /**
     * Connects while the script is in place: the monitor must log the violation, SIGKILL the worker,
     * reap it and so close the client's connection; then a real session must still work.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ScriptedWorker.Script.class)
    void aWorkerBreakingTheProtocolIsCutOffAndTheDaemonServesOn(ScriptedWorker.Script misbehaviour)
            throws IOException {
        Files.writeString(script(), misbehaviour.name());
        DaemonProcess daemon = sftpd.daemon();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
            client.setSoTimeout((int) Poll.WAIT.toMillis());
            MatchResult logged = daemon.awaitLog(Pattern.compile("monitor: worker (\\d+) for 127\\.0\\.0\\.1 port "
                    + client.getLocalPort() + ": (.*); killing it"));
            long worker = Long.parseLong(logged.group(1));
            assertTrue(logged.group(2).contains(misbehaviour.violation), logged.group());

            assertEquals(-1, readOrReset(client), "the connection is closed");
            daemon.awaitLog("worker " + worker + " for 127.0.0.1 port " + client.getLocalPort() + " killed by signal 9");
            daemon.await(() -> !ProcFs.exists(worker), () -> "worker " + worker + " was not reaped");
        }
        Files.delete(script());

        assertTrue(daemon.isAlive(), "the daemon runs on");
        SystemUser alice = sftpd.user("alice");
        sftpd.clients().sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());
    }

    /** What the client reads: -1 for end of stream, as for a reset (the worker died with data unread). */
    private static int readOrReset(Socket client) throws IOException {
        try {
            return client.getInputStream().read();
        } catch (SocketException e) {
            return -1;
        }
    }

    private static Path script() {
        return sftpd.dir().resolve(ScriptedWorker.SCRIPT);
    }
}
