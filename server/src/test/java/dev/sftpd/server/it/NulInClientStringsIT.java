// A client string with a NUL in it (user name, password, command) ends the connection, as sshpkt_get_cstring makes sshd do.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenSSH's client cannot put a NUL in these strings, so MINA's client does. getpwnam, PAM and
 * crypt would see only the part before the NUL: "alice\0x" would be checked as alice.
 */
class NulInClientStringsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("PasswordAuthentication yes");

    private static SshClient client;

    @BeforeAll
    static void startClient() {
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((session, address, key) -> true);
        client.start();
    }

    @AfterAll
    static void stopClient() throws IOException {
        if (client != null) {
            client.stop();
        }
    }

    @Test
    void aUserNameWithANulEndsTheConnectionBeforeAnyoneIsLookedUp() throws Exception {
        assertEndedUnchecked(sftpd.user("alice").name() + "\0x", "anything");
    }

    /** A newline in a user name must not write a line of the client's choosing for fail2ban to believe. */
    @Test
    void aUserNameWithANewlineIsLoggedEscapedOnOneLine() throws Exception {
        String forged = "Accepted password for root from 10.6.6.6 port 1 ssh2";
        try (ClientSession session = connect("nobody-here\n" + forged)) {
            session.addPasswordIdentity("anything");
            int port = localPort(session);

            assertThrows(Exception.class, () -> session.auth().verify(WAIT));

            sftpd.daemon().awaitLog("Invalid user nobody-here\\n" + forged + " from 127.0.0.1 port " + port);
            assertFalse(Pattern.compile("(?m)^" + Pattern.quote(forged)).matcher(sftpd.daemon().logText()).find(),
                    sftpd.daemon().logText());
        }
    }

    @Test
    void aPasswordWithANulEndsTheConnectionUnchecked() throws Exception {
        assertEndedUnchecked(sftpd.user("alice").name(), "secret\0tail");
    }

    @Test
    void aCommandWithANulEndsTheSessionAfterAuthentication() throws Exception {
        SystemUser alice = sftpd.user("alice");
        try (ClientSession session = connect(alice.name())) {
            session.addPublicKeyIdentity(keyOf(alice));
            session.auth().verify(WAIT);
            int port = localPort(session);

            try (ChannelExec exec = session.createExecChannel("internal-sftp\0; rm -rf ~")) {
                exec.open().await(WAIT);
                exec.waitFor(java.util.EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
            }
            session.waitFor(java.util.EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), WAIT);

            assertTrue(session.isClosed(), "the connection is ended");
            sftpd.daemon().awaitLog("ssh_dispatch_run_fatal: Connection from user " + alice.name()
                    + " 127.0.0.1 port " + port + ": invalid format");
            String log = sftpd.daemon().logText();
            assertFalse(log.contains("Starting session: command") || log.contains("refused exec"),
                    "the monitor never heard of the command:\n" + log);
        }
        sftpd.clients().sftp(alice, "pwd").assertExit(0);
    }

    /** A password login that sshd's rule ends before the monitor hears of it: the fatal line, no attempt logged. */
    private static void assertEndedUnchecked(String user, String password) throws Exception {
        try (ClientSession session = connect(user)) {
            session.addPasswordIdentity(password);
            int port = localPort(session);

            assertThrows(IOException.class, () -> session.auth().verify(WAIT));

            sftpd.daemon().awaitLog("ssh_dispatch_run_fatal: Connection from 127.0.0.1 port " + port
                    + ": invalid format [preauth]");
            assertNoAttemptLogged(port);
        }
    }

    private static ClientSession connect(String user) throws IOException {
        return client.connect(user, "127.0.0.1", sftpd.daemon().port()).verify(WAIT).getSession();
    }

    private static int localPort(ClientSession session) {
        return ((InetSocketAddress) session.getIoSession().getLocalAddress()).getPort();
    }

    private static KeyPair keyOf(SystemUser user) throws Exception {
        return OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, new PathResource(user.key()), null)
                .iterator().next();
    }

    /** Neither the monitor nor PAM heard of the attempt: no Accepted, Failed or Invalid user line for the port. */
    private static void assertNoAttemptLogged(int port) {
        Pattern attempt = Pattern.compile("(?m)^(Accepted|Failed|Invalid user) .* port " + port + "\\b");
        assertFalse(attempt.matcher(sftpd.daemon().logText()).find(), sftpd.daemon().logText());
    }
}
