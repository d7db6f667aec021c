// A daemon whose transports cannot start says why and exits at start-up, rather than listen with nothing to serve.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupFailureIT {
    @TempDir
    Path dir;

    @Test
    void aTransportThatCannotStartStopsTheDaemonWithTheReason() throws IOException {
        Sftpd.assumeRoot();
        Path hostKey = dir.resolve("ssh_host_ed25519_key");
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        int port = DaemonProcess.freePort();
        Path config = Files.write(dir.resolve("sftpd_config"), List.of("HostKey " + hostKey, "Port " + port,
                "ListenAddress 127.0.0.1", "PidFile none"));
        List<String> command = new ArrayList<>(Sftpd.launcher("dev.sftpd.no.SuchTransport"));
        command.addAll(List.of("-D", "-e", "-f", config.toString()));

        Outcome outcome = Run.run(command, new byte[0]);

        assertEquals(255, outcome.exitCode(), outcome.toString());
        String log = outcome.stdout() + outcome.stderr();
        assertTrue(log.matches("(?s).*transport \\d+ did not start: .*exited with status 1.*"), log);
        assertFalse(log.contains("Server listening"), "it never listened: " + log);
    }
}
