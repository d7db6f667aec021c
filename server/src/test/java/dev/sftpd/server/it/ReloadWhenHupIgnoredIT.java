// A daemon started with SIGHUP ignored (nohup, a shell's trap) still reloads on SIGHUP, as sshd does.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReloadWhenHupIgnoredIT {
    /** The ignored disposition is inherited through exec, as nohup leaves it. */
    private static final List<String> HUP_IGNORED = List.of("sh", "-c", "trap '' HUP; exec \"$@\"", "sh");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.wrappedIn(HUP_IGNORED);

    @Test
    void hupReloadsThoughTheDaemonWasStartedWithItIgnored() {
        DaemonProcess daemon = sftpd.daemon();
        SystemUser alice = sftpd.user("alice");
        SystemUser bob = sftpd.user("bob");
        // What the wrapper hands the program it execs: SigIgn with bit 0 (SIGHUP) set.
        Outcome status = Run.checked(Stream.concat(HUP_IGNORED.stream(), Stream.of("cat", "/proc/self/status")).toArray(String[]::new));
        long ignored = Long.parseLong(status.stdout().lines().filter(l -> l.startsWith("SigIgn:")).findFirst()
                .orElseThrow().substring(7).strip(), 16);
        assertEquals(1, ignored & 1, "the wrapper should leave SIGHUP ignored");

        daemon.rewriteConfig("AllowUsers " + alice.name());
        daemon.hangUp();

        daemon.awaitLog("Received SIGHUP; reloading the configuration.");
        daemon.awaitLog("Reloaded ");
        new OpenSsh(daemon.port()).sftp(alice, "pwd").assertExit(0);
        new OpenSsh(daemon.port()).sftp(bob, "pwd").assertExit(255);
    }
}
