// The server's own command line, run as OpenSSH's sftp-server would be: -u, -d expansions, -Q, and bad flags.
package dev.sftpd.sftp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Sandboxes.class)
class CommandLineIT {
    private static final String USAGE = "usage: sftp-server [-ehR] [-d start_directory] [-f log_facility]"
            + " [-l log_level]\n\t[-P denied_requests] [-p allowed_requests] [-u umask]\n"
            + "       sftp-server -Q protocol_feature\n";
    private static final Path HERE = Path.of("").toAbsolutePath();

    /** The client asks for its local file's mode (0644); the server's umask takes group and other bits away. */
    @Test
    void umaskMasksTheModeOfAnUploadedFile(Sandbox sandbox) throws Exception {
        Disk.file(sandbox.local("up.txt"), "up\n", "rw-r--r--");

        sandbox.server("-u", "077").batch("put up.txt").assertExit(0)
                .assertStderr(ServerLog.open(sandbox.remote("up.txt"), "WRITE,CREATE,TRUNCATE", "0644"));

        assertEquals("rw-------", Disk.permissions(sandbox.remote("up.txt")));
    }

    @Test
    void umaskMasksTheModeOfANewDirectory(Sandbox sandbox) throws Exception {
        sandbox.server("-u", "077").batch("mkdir new").assertExit(0)
                .assertStderr("mkdir name \"" + sandbox.remote("new") + "\" mode 0777");

        assertEquals("rwx------", Disk.permissions(sandbox.remote("new")));
    }

    @Test
    void startDirectoryExpandsPercentUToTheUserName(Sandbox sandbox) throws Exception {
        Path start = Files.createDirectory(sandbox.remote(System.getProperty("user.name")));

        assertStartsIn(sandbox, start, sandbox.remote() + "/%u");
    }

    @Test
    void startDirectoryExpandsPercentDToTheHomeDirectory(Sandbox sandbox) throws Exception {
        assertStartsIn(sandbox, Path.of(System.getProperty("user.home")).toRealPath(), "%d");
    }

    @Test
    void startDirectoryExpandsDoublePercentToAPercentSign(Sandbox sandbox) throws Exception {
        Path start = Files.createDirectory(sandbox.remote("100%"));

        assertStartsIn(sandbox, start, sandbox.remote() + "/100%%");
    }

    @Test
    void queryRequestsListsTheSameRequestsInTheSameOrderAsOpenSsh() throws Exception {
        Optional<Path> openssh = Programs.opensshServer();
        assumeTrue(openssh.isPresent(), Programs.OPENSSH_SERVER + " to compare with is not installed");
        Outcome reference = Programs.run(HERE, List.of(openssh.get().toString(), "-Q", "requests"));

        Outcome ours = server("-Q", "requests").assertExit(0);

        assertEquals(reference.stdout().lines().toList(), ours.stdout().lines().toList(), ours::toString);
    }

    @Test
    void unknownQueryIsRefusedWithStatus1() throws Exception {
        server("-Q", "nonsense").assertExit(1).assertStderr("Invalid query type");
    }

    @Test
    void unknownFlagPrintsTheUsageAndExitsWithStatus1() throws Exception {
        server("-z").assertExit(1).assertStderr(USAGE);
    }

    /**
     * fatal() exits 255. OpenSSH 9.2 sends this message to syslog, as logging to stderr starts only after the
     * flags are parsed; ours prints it on stderr, where whoever typed the flags sees it.
     */
    @Test
    void allowListGivenTwiceIsFatal() throws Exception {
        server("-p", "open", "-p", "close").assertExit(255).assertStderr("Permitted requests already set");
    }

    /** Fatal as above, and as above OpenSSH's message goes to syslog while ours is on stderr. */
    @Test
    void invalidUmaskIsFatal() throws Exception {
        server("-u", "999").assertExit(255).assertStderr("Invalid umask \"999\"");
    }

    /** OpenSSH 9.2 exits 1 ("Unrecognized internal syslog level code -1") instead of serving the session. */
    @Test
    void invalidLogLevelIsFatal() throws Exception {
        server("-e", "-l", "NONSENSE").assertExit(1);
    }

    /** OpenSSH 9.2 checks the facility only when it logs to syslog, that is without -e, and then exits 1. */
    @Test
    void invalidLogFacilityIsFatalWhenLoggingToSyslog() throws Exception {
        server("-f", "NONSENSE").assertExit(1);
    }

    /** OpenSSH's log.c ends every line it writes to stderr with "\r\n". */
    @Test
    void logLinesOnStderrEndWithCarriageReturnLineFeed(Sandbox sandbox) throws Exception {
        sandbox.batch("pwd").assertExit(0)
                .assertStderr("session opened for local user " + System.getProperty("user.name")
                        + " from [UNKNOWN]\r\n");
    }

    private static void assertStartsIn(Sandbox sandbox, Path expected, String startDirectory) throws Exception {
        sandbox.server("-d", startDirectory).batch("pwd").assertExit(0)
                .assertStdout("Remote working directory: " + expected + "\n");
    }

    /** The server run directly, as a user would type it; stdin is /dev/null, so a server that starts stops at once. */
    private static Outcome server(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Programs.serverUnderTest().toString()));
        command.addAll(List.of(flags));
        return Programs.run(HERE, command);
    }
}
