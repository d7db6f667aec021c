// A client of an IPv6 address: served by a jailed transport, and named in the logs as sshd names it.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class Ipv6IT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("ListenAddress ::1");

    @Test
    void aClientOfTheIpv6LoopbackLogsInAndIsLoggedAsColonColonOne() {
        assumeTrue(Files.exists(Path.of("/proc/net/if_inet6")), "this machine has no IPv6");
        SystemUser erin = sftpd.accounts().user("erin", SystemAccounts.NOLOGIN);
        int port = sftpd.daemon().port();

        Outcome pwd = new OpenSsh(port).sftp(erin, List.of("-o", "HostName=::1"), "pwd");

        assertEquals(0, pwd.exitCode(), pwd.toString());
        assertTrue(pwd.stdout().contains("Remote working directory: " + erin.home()), pwd.stdout());
        sftpd.daemon().awaitLog("Server listening on ::1 port " + port + ".");
        sftpd.daemon().awaitLog(Pattern.compile("(?m)^Connection from ::1 port \\d+ on ::1 port " + port + "$"));
        sftpd.daemon().awaitLog(Pattern.compile("Accepted publickey for " + erin.name() + " from ::1 port \\d+ ssh2: "));
        sftpd.daemon().awaitLog("session opened for local user " + erin.name() + " from [::1]");
    }
}
