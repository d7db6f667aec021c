// Debian's stock sshd_config, as the openssh-server package ships it, passes sftpd -t and runs a daemon that serves sftp.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The file comes from the package itself (apt-get download, dpkg-deb -x): its Include,
 * KbdInteractiveAuthentication, UsePAM, X11Forwarding, PrintMotd, AcceptEnv and an external
 * sftp-server Subsystem line. Nothing of it is installed.
 */
class StockSshdConfigIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    private static Path stock;

    @BeforeAll
    static void download() throws IOException {
        Path dir = Files.createDirectories(sftpd.dir().resolve("openssh-server"));
        List<String> download = List.of("sh", "-c", "cd " + dir + " && apt-get download -q openssh-server");
        if (Run.run(download, new byte[0]).exitCode() != 0) {
            // A fresh machine may have no package lists yet.
            Run.checked("apt-get", "update", "-q");
            Run.checked(download.toArray(String[]::new));
        }
        try (var debs = Files.list(dir)) {
            Path deb = debs.filter(p -> p.toString().endsWith(".deb")).findFirst().orElseThrow();
            Run.checked("dpkg-deb", "-x", deb.toString(), dir.resolve("root").toString());
        }
        stock = dir.resolve("root/usr/share/openssh/sshd_config");
        assertTrue(Files.isRegularFile(stock), "the package ships " + stock);
    }

    @Test
    void theStockFilePassesTheCheckAndPrintsAsSshdWould() {
        Sftpd.command("-t", "-f", stock.toString(), "-h", sftpd.hostKey().toString()).assertExit(0);
        Sftpd.command("-T", "-f", stock.toString(), "-h", sftpd.hostKey().toString()).assertExit(0)
                .assertStdout("\nsubsystem sftp /usr/lib/openssh/sftp-server\n", "\nx11forwarding yes\n",
                        "\nprintmotd no\n", "\nacceptenv LANG\n", "\nacceptenv LC_*\n", "\nusepam yes\n",
                        "\nkbdinteractiveauthentication no\n");
    }

    @Test
    void aDaemonOnTheStockFileServesSftpAndSaysWhatItDoesNotDo() throws IOException {
        DaemonProcess daemon = sftpd.startDaemon(Files.readAllLines(stock).toArray(String[]::new));
        SystemUser alice = sftpd.user("alice");

        new OpenSsh(daemon.port()).sftp(alice, "pwd").assertExit(0)
                .assertStdout("Remote working directory: " + alice.home());

        daemon.awaitLog("/usr/lib/openssh/sftp-server: served by sftpd's own SFTP engine, as internal-sftp");
        daemon.awaitLog("X11Forwarding yes: no effect, sftpd serves SFTP only (no shell, pty, X11 or environment)");
    }

}
