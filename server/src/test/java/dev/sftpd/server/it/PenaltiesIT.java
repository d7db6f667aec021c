// PerSourcePenalties as OpenSSH 9.8: a source whose connections end badly is refused at accept for a while, others are not.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PenaltiesIT {
    private static final String FAILED = "penalty: failed authentication";

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();

    @Test
    void repeatedFailedLoginsFromOneAddressAreRefusedForThePenaltyWhileAnotherAddressLogsIn() {
        // Two failures (20 s each) less than 15 s apart pass min:25; max:26 caps the penalty, so the lines are exact.
        DaemonProcess daemon = sftpd.startDaemon("PerSourcePenalties authfail:20 min:25 max:26");
        SystemUser stranger = sftpd.accounts().newUser("stranger", "staff");
        SystemUser alice = sftpd.user("alice");
        OpenSsh clients = daemon.clients();

        clients.sftp(stranger, from("127.0.0.3"), "pwd").assertExit(255);
        daemon.awaitLine("srclimit_penalise: ipv4: new 127.0.0.3/32 deferred penalty of 20 seconds for " + FAILED);
        clients.sftp(alice, from("127.0.0.3"), "pwd").assertExit(0);
        clients.sftp(stranger, from("127.0.0.3"), "pwd").assertExit(255);
        daemon.awaitLine("srclimit_penalise: 127.0.0.3/32: activating ipv4 penalty of 26 seconds for " + FAILED);

        clients.sftp(alice, from("127.0.0.3"), "pwd").assertExit(255);
        daemon.awaitLog(drop("127.0.0.3", daemon, FAILED));
        clients.sftp(alice, "pwd").assertExit(0).assertStdout("Remote working directory: " + alice.home());
        Poll.until(() -> clients.sftp(alice, from("127.0.0.3"), "pwd").exitCode() == 0,
                () -> "127.0.0.3 is still refused after its 26-second penalty");
    }

    @Test
    void anExemptAddressIsNeitherPenalisedNorRefused() {
        DaemonProcess daemon = sftpd.startDaemon("PerSourcePenalties authfail:30",
                "PerSourcePenaltyExemptList 127.0.0.2,127.0.0.3");
        SystemUser stranger = sftpd.accounts().newUser("stranger", "staff");
        SystemUser alice = sftpd.user("alice");
        OpenSsh clients = daemon.clients();

        clients.sftp(stranger, from("127.0.0.3"), "pwd").assertExit(255);
        clients.sftp(stranger, from("127.0.0.4"), "pwd").assertExit(255);
        daemon.awaitLine("srclimit_penalise: ipv4: new 127.0.0.4/32 active penalty of 30 seconds for " + FAILED);

        clients.sftp(alice, from("127.0.0.3"), "pwd").assertExit(0);
        clients.sftp(alice, from("127.0.0.4"), "pwd").assertExit(255);
        daemon.awaitLog(drop("127.0.0.4", daemon, FAILED));
        assertEquals(List.of(), daemon.logMatches(Pattern.compile("penalty .* 127\\.0\\.0\\.3/32")),
                "the exempt address got no penalty");
    }

    @Test
    void aConnectionThatNeverAuthenticatesWithinLoginGraceTimeIsPenalised() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon("PerSourcePenalties grace-exceeded:20", "LoginGraceTime 1");
        try (Socket silent = connect(daemon, "127.0.0.5")) {
            assertEquals("SSH-2.0-", firstLine(silent).substring(0, 8));
            daemon.awaitLine("srclimit_penalise: ipv4: new 127.0.0.5/32 active penalty of 20 seconds for "
                    + "penalty: exceeded LoginGraceTime");
        }

        try (Socket refused = connect(daemon, "127.0.0.5")) {
            assertEquals("Not allowed at this time", firstLine(refused), "what sshd 9.8 writes to a refused client");
            daemon.awaitLog(drop("127.0.0.5", daemon, "penalty: exceeded LoginGraceTime"));
        }
    }

    @Test
    void aClientThatLeavesWithoutTryingToAuthenticateIsPenalised() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon("PerSourcePenalties noauth:20");
        try (Socket probe = connect(daemon, "127.0.0.6")) {
            assertEquals("SSH-2.0-", firstLine(probe).substring(0, 8));
        }
        daemon.awaitLine("srclimit_penalise: ipv4: new 127.0.0.6/32 active penalty of 20 seconds for "
                + "penalty: connections without attempting authentication");
        daemon.clients().sftp(sftpd.user("alice"), from("127.0.0.6"), "pwd").assertExit(255);
    }

    @Test
    void aTransportThatCrashesCostsItsClientTheCrashPenalty() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon("PerSourcePenalties crash:20");
        try (Socket client = connect(daemon, "127.0.0.7")) {
            firstLine(client);
            long transport = Long.parseLong(daemon.awaitLog(Pattern.compile("(?m)^transport (\\d+) serves "
                    + "127\\.0\\.0\\.7 port " + client.getLocalPort() + "$")).group(1));
            Run.checked("kill", "-ABRT", Long.toString(transport));
            daemon.awaitLine("srclimit_penalise: ipv4: new 127.0.0.7/32 active penalty of 20 seconds for "
                    + "penalty: caused crash");
        }
        daemon.clients().sftp(sftpd.user("alice"), from("127.0.0.7"), "pwd").assertExit(255);
        daemon.awaitLog(drop("127.0.0.7", daemon, "penalty: caused crash"));
    }

    /** ssh options that make the client connect from this loopback address. */
    private static List<String> from(String address) {
        return List.of("-o", "BindAddress=" + address);
    }

    private static Pattern drop(String source, DaemonProcess daemon, String reason) {
        return Pattern.compile("drop connection #\\d+ from \\[" + Pattern.quote(source) + "\\]:\\d+ on "
                + "\\[127\\.0\\.0\\.1\\]:" + daemon.port() + " " + Pattern.quote(reason));
    }

    private static Socket connect(DaemonProcess daemon, String source) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.port(), InetAddress.getByName(source), 0);
        s.setSoTimeout((int) Poll.WAIT.toMillis());
        return s;
    }

    private static String firstLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
