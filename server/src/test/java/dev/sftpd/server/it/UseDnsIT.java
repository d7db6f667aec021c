// UseDNS as sshd does it: with yes the client's verified name (127.0.0.1 is "localhost" in /etc/hosts) is what host patterns, PAM and login records see; with no, only the address.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.LoginRecords;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every daemon here has the same rules written with the name: alice only from localhost
 * (AllowUsers), bob read-only from localhost (Match Host); the class daemon says UseDNS yes,
 * {@link #withoutDns} the same rules with UseDNS no.
 */
class UseDnsIT {
    private static final String[] RULES = {"LogLevel DEBUG1",
        "AllowUsers sftpd-a-alice-*@localhost sftpd-a-bob-* sftpd-a-carol-*",
        "Match Host localhost", "ForceCommand internal-sftp -R"};

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig(withDns("yes"));

    private static String[] withDns(String useDns) {
        String[] lines = new String[RULES.length + 1];
        lines[0] = "UseDNS " + useDns;
        System.arraycopy(RULES, 0, lines, 1, RULES.length);
        return lines;
    }

    @BeforeAll
    static void loopbackIsLocalhostHere() throws Exception {
        // The premise, checked through NSS as the daemon asks: no test here adds a mapping of its own.
        assertEquals("localhost", InetAddress.getByName("127.0.0.1").getCanonicalHostName());
    }

    private static DaemonProcess withoutDns() {
        return sftpd.startDaemon(withDns("no"));
    }

    @Test
    void allowUsersUserAtNameAdmitsTheClientWhoseAddressMapsToThatName() {
        SystemUser alice = sftpd.user("alice");

        sftpd.clients().sftp(alice, "pwd").assertSessionIn(alice.home());

        sftpd.daemon().awaitLine("UseDNS: looking up the name of 127.0.0.1");
        sftpd.daemon().awaitLine("PAM: setting PAM_RHOST to \"localhost\"");
    }

    @Test
    void matchHostAppliesToTheVerifiedName() {
        SystemUser bob = sftpd.user("bob");

        sftpd.clients().sftp(bob, "mkdir from-localhost").assertExit(1).assertStderr("Permission denied");

        assertFalse(bob.home().resolve("from-localhost").toFile().exists(), "read-only from localhost");
    }

    @Test
    void fromTheNameInAuthorizedKeysAdmitsTheClient() {
        SystemUser carol = sftpd.user("carol");
        carol.authorize("rw-------", "from=\"localhost\" " + carol.publicKey());

        sftpd.clients().sftp(carol, "pwd").assertSessionIn(carol.home());
    }

    @Test
    void utmpAndWtmpShowTheNameAsTheHost() {
        SystemUser alice = sftpd.user("alice");
        long session;
        try (UserSession open = sftpd.daemon().openSession(alice)) {
            session = open.session();

            String who = LoginRecords.who();

            assertTrue(Pattern.compile("(?m)^" + alice + "\\s+sftp" + session + "\\s.*\\(localhost\\)$")
                    .matcher(who).find(), who);
            open.client().finish().assertExit(0);
        }
        LoginRecords.awaitLogout(alice, session);
        String last = Run.checked("last", "-f", "/var/log/wtmp", "-w", alice.name()).stdout();
        assertTrue(Pattern.compile("(?m)^" + alice + "\\s+sftp" + session + "\\s+localhost\\s").matcher(last).find(),
                last);
    }

    @Test
    void aNameThatDoesNotMapBackToTheAddressIsLoggedAndTheAddressJudged() throws IOException {
        SystemUser alice = sftpd.user("alice");
        DaemonProcess daemon = forwardLookupsIn("127.0.0.9 localhost\n");

        daemon.clients().sftp(alice, "pwd").assertPermissionDenied();

        daemon.awaitLine("Address 127.0.0.1 maps to localhost, but this does not map back to the address.");
        daemon.awaitLine("User " + alice + " from 127.0.0.1 not allowed because not listed in AllowUsers");
    }

    /**
     * A UseDNS yes daemon whose reverse lookups go through NSS as always (127.0.0.1 is localhost)
     * but whose forward lookups read {@code hosts} (the JDK's jdk.net.hosts.file): a DNS whose
     * A records disagree with its PTR records, without touching /etc/hosts.
     */
    private static DaemonProcess forwardLookupsIn(String hosts) throws IOException {
        Path file = Files.createTempFile(sftpd.dir(), "hosts", "");
        Files.writeString(file, hosts);
        return sftpd.startDaemon(Map.of("JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + file), withDns("yes"));
    }

    @Test
    void withUseDnsNoTheNamesMatchNothingAndNothingIsLookedUp() {
        SystemUser alice = sftpd.user("alice");
        SystemUser bob = sftpd.user("bob");
        SystemUser carol = sftpd.user("carol");
        carol.authorize("rw-------", "from=\"localhost\" " + carol.publicKey());
        DaemonProcess daemon = withoutDns();

        daemon.clients().sftp(alice, "pwd").assertPermissionDenied();
        daemon.awaitLine("User " + alice + " from 127.0.0.1 not allowed because not listed in AllowUsers");
        daemon.clients().sftp(bob, "mkdir from-127.0.0.1").assertExit(0);
        assertTrue(bob.home().resolve("from-127.0.0.1").toFile().isDirectory(), "Match Host localhost applied");
        daemon.clients().sftp(carol, "pwd").assertPermissionDenied();
        daemon.awaitLog("not from a permitted host (host=127.0.0.1, ip=127.0.0.1, required=localhost)");

        daemon.awaitLine("PAM: setting PAM_RHOST to \"127.0.0.1\"");
        assertFalse(daemon.logText().contains("UseDNS: looking up"), daemon.logText());
    }
}
