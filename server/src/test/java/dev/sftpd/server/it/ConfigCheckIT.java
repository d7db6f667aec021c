// sftpd -t checks a configuration as sshd -t does, naming file and line of an error; -T prints the effective settings.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No daemon runs and no account is made: these need no root. */
class ConfigCheckIT {
    @TempDir
    static Path dir;
    private static Path hostKey;

    @BeforeAll
    static void hostKey() {
        hostKey = dir.resolve("ssh_host_ed25519_key");
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
    }

    @Test
    void aGoodConfigurationPassesTheCheck() throws IOException {
        Path config = config("HostKey " + hostKey, "Port 2222", "ListenAddress 127.0.0.1",
                "Subsystem sftp internal-sftp -u 027", "StrictModes yes");

        Sftpd.command("-t", "-f", config.toString()).assertExit(0);
    }

    @Test
    void anOutOfRangePortFailsTheCheckNamingFileAndLine() throws IOException {
        Path config = config("HostKey " + hostKey, "Port 99999");

        assertFailsNaming(Sftpd.command("-t", "-f", config.toString()), config, 2, "99999");
    }

    @Test
    void anUnknownKeywordFailsTheCheckNamingFileAndLine() throws IOException {
        Path config = config("HostKey " + hostKey, "Port 2222", "Frobnicate yes");

        assertFailsNaming(Sftpd.command("-t", "-f", config.toString()), config, 3, "Frobnicate");
    }

    @Test
    void aMissingHostKeyFailsTheCheckNamingFileAndLine() throws IOException {
        Path missing = dir.resolve("no_such_host_key");
        Path config = config("Port 2222", "HostKey " + missing);

        assertFailsNaming(Sftpd.command("-t", "-f", config.toString()), config, 2, missing.toString());
    }

    @Test
    void everyBadLineIsReportedThenTheCheckTerminatesAsSshd() throws IOException {
        Path config = config("HostKey " + hostKey, "Port 99999", "Port 2222", "Frobnicate yes");

        Outcome check = Sftpd.command("-t", "-f", config.toString()).assertExit(255);

        check.assertStderr(config + " line 2: ", "99999", config + ": line 4: Bad configuration option: Frobnicate",
                config + ": terminating, 2 bad configuration options");
        assertEquals("", check.stdout(), check.toString());
    }

    /** sshd -t never writes: the built-in host keys the daemon would create are only reported missing. */
    @Test
    void theCheckWritesNoHostKey() throws IOException {
        Path builtIn = Path.of("/etc/sftpd");
        Assumptions.assumeFalse(Files.exists(builtIn.resolve("ssh_host_ed25519_key"))
                || Files.exists(builtIn.resolve("ssh_host_rsa_key")), builtIn + " already holds host keys");
        List<String> before = listing(builtIn);
        Path config = config("Port 2222");

        Outcome check = Sftpd.command("-t", "-f", config.toString());

        assertEquals(before, listing(builtIn), "what " + builtIn + " holds after sftpd -t");
        check.assertExit(1).assertStderr("Unable to load host key: " + builtIn.resolve("ssh_host_ed25519_key"),
                "sftpd: no hostkeys available -- exiting.");
    }

    @Test
    void theEffectiveConfigurationShowsPortAndListenAddress() throws IOException {
        Path config = config("HostKey " + hostKey, "Port 2222", "ListenAddress 127.0.0.1");

        List<String> effective = Sftpd.command("-T", "-f", config.toString()).assertExit(0).stdout().lines().toList();

        assertTrue(effective.contains("port 2222"), effective.toString());
        assertTrue(effective.contains("listenaddress 127.0.0.1:2222"), effective.toString());
    }

    /** The message names the file, the line ("line N", in either of sshd's forms) and what is wrong. */
    private static void assertFailsNaming(Outcome check, Path config, int line, String what) {
        assertNotEquals(0, check.exitCode(), () -> "exit status of " + check);
        check.assertStderr(config.toString(), "line " + line + ":", what);
        assertEquals("", check.stdout(), check.toString());
    }

    /** The names in a directory, or nothing at all (null) when it does not exist. */
    private static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(Path::toString).sorted().toList();
        }
    }

    private static Path config(String... lines) throws IOException {
        return Files.write(Files.createTempFile(dir, "sftpd_config", ""), List.of(lines));
    }

}
