// Match blocks decide per connection, once its user is named: for that user, group or client, and nobody else.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Users are created by the test, so each test starts a daemon whose Match lines name them. */
class MatchIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void aMatchUserBlockMakesThatUsersSessionsReadOnlyAndNoOneElses() throws IOException {
        SystemUser alice = sftpd.user("alice");
        SystemUser bob = sftpd.user("bob");
        OpenSsh clients = new OpenSsh(sftpd.startDaemon("Match User " + alice.name(),
                "ForceCommand internal-sftp -R").port());
        Path upload = Files.writeString(sftpd.dir().resolve("upload.txt"), "data\n");

        clients.sftp(alice, "put " + upload + " up.txt").assertStderr("Permission denied");
        clients.sftp(bob, "put " + upload + " up.txt").assertExit(0);

        assertFalse(Files.exists(alice.home().resolve("up.txt")), "the refused upload left nothing");
        assertEquals("data\n", Files.readString(bob.home().resolve("up.txt")));
    }

    @Test
    void aMatchGroupBlockAppliesToTheGroupsMembers() {
        String group = sftpd.accounts().group("sftponly");
        SystemUser carol = sftpd.accounts().user("carol", SystemAccounts.NOLOGIN, "sftponly");
        SystemUser dave = sftpd.user("dave");
        OpenSsh clients = new OpenSsh(sftpd.startDaemon("Match Group " + group,
                "ForceCommand internal-sftp -d /tmp").port());

        clients.sftp(carol, "pwd").assertExit(0).assertStdout("Remote working directory: /tmp");
        clients.sftp(dave, "pwd").assertExit(0).assertStdout("Remote working directory: " + dave.home());
    }

    @Test
    void aMatchAddressBlockJudgesTheClientsAddress() {
        SystemUser erin = sftpd.user("erin");
        DaemonProcess daemon = sftpd.startDaemon("Match Address 127.0.0.2", "PubkeyAuthentication no");
        OpenSsh clients = new OpenSsh(daemon.port());

        clients.sftp(erin, List.of("-o", "BindAddress=127.0.0.2"), "pwd").assertExit(255)
                .assertStderr("Permission denied");
        clients.sftp(erin, List.of("-o", "BindAddress=127.0.0.3"), "pwd").assertExit(0);
    }

    @Test
    void minusCapitalTWithMinusCapitalCPrintsTheConfigurationAConnectionGets() throws IOException {
        Path config = Files.write(sftpd.dir().resolve("match_config"), List.of("HostKey " + sftpd.hostKey(),
                "MaxSessions 4", "Match User alice Address 10.0.0.0/8", "ForceCommand internal-sftp -R",
                "MaxSessions 1"));

        Sftpd.command("-T", "-f", config.toString(), "-C", "user=alice,addr=10.1.2.3,laddr=127.0.0.1,lport=22")
                .assertExit(0).assertStdout("\nmaxsessions 1\n", "\nforcecommand internal-sftp -R\n");
        Sftpd.command("-T", "-f", config.toString(), "-C", "user=alice,addr=192.168.0.1")
                .assertExit(0).assertStdout("\nmaxsessions 4\n").assertStdoutLacks("forcecommand internal-sftp");
        Sftpd.command("-T", "-f", config.toString(), "-C", "colour=blue")
                .assertExit(1).assertStderr("Invalid test mode specification colour=blue");
    }

}
