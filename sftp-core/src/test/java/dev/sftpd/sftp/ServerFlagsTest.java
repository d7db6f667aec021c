// sftp-server's command line: OpenSSH's flags, their errors and exit statuses.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerFlagsTest {
    private static ServerOptions parse(String... args) throws ServerFlags.FlagException {
        return ServerFlags.parse("sftp-server", args).options();
    }

    private static ServerFlags.FlagException error(String... args) {
        return assertThrows(ServerFlags.FlagException.class, () -> ServerFlags.parse("sftp-server", args));
    }

    @Test
    void noFlagsGiveOpenSshsDefaults() throws Exception {
        assertEquals(ServerOptions.DEFAULTS, parse());
        assertEquals(LogLevel.ERROR, ServerOptions.DEFAULTS.logLevel());
        assertEquals(SyslogFacility.AUTH, ServerOptions.DEFAULTS.facility());
    }

    @Test
    void flagsCombineAndTakeAttachedOrSeparateArguments() throws Exception {
        ServerOptions o = parse("-eR", "-lVERBOSE", "-f", "LOCAL3", "-d", "%d/in", "-u", "027", "-P", "remove");
        assertTrue(o.readOnly());
        assertTrue(o.logToStderr());
        assertEquals(LogLevel.VERBOSE, o.logLevel());
        assertEquals(SyslogFacility.LOCAL3, o.facility());
        assertEquals(Optional.of("%d/in"), o.startDirectory());
        assertEquals(Optional.of(027), o.umask());
        assertTrue(o.denied().orElseThrow().matches("remove"));
    }

    @Test
    void queryRequestsIsRecognisedCaseInsensitively() throws Exception {
        assertTrue(ServerFlags.parse("sftp-server", "-Q", "REQUESTS").queryRequests());
        assertEquals(1, error("-Q", "features").exitCode());
    }

    @Test
    void unknownOptionShowsUsageAndExitsOne() {
        ServerFlags.FlagException e = error("-x");
        assertEquals(1, e.exitCode());
        assertTrue(e.showUsage());
        assertEquals("sftp-server: unknown option -- x", e.getMessage());
    }

    @Test
    void missingArgumentShowsUsageAndExitsOne() {
        ServerFlags.FlagException e = error("-d");
        assertEquals(1, e.exitCode());
        assertTrue(e.showUsage());
    }

    @Test
    void helpShowsUsageAndExitsOne() {
        assertEquals(1, error("-h").exitCode());
    }

    @Test
    void allowAndDenyListsMayEachBeGivenOnce() {
        assertEquals("Permitted requests already set", error("-p", "open", "-p", "read").getMessage());
        assertEquals("Refused requests already set", error("-P", "open", "-P", "read").getMessage());
    }

    @Test
    void umaskMustBeOctalUpTo0777() throws Exception {
        assertEquals(Optional.of(0), parse("-u", "0").umask());
        assertEquals(Optional.of(0777), parse("-u", "777").umask());
        for (String bad : new String[] {"999", "1000", "", "07a", "-1", "0x7", "77777777777777777777"}) {
            ServerFlags.FlagException e = error("-u", bad);
            assertEquals(255, e.exitCode(), bad);
            assertEquals("Invalid umask \"" + bad + "\"", e.getMessage());
        }
    }

    @Test
    void invalidLogLevelIsFatalAsInLogInit() {
        ServerFlags.FlagException e = error("-l", "LOUD");
        assertEquals(1, e.exitCode());
        assertEquals("Unrecognized internal syslog level code -1", e.getMessage());
    }

    @Test
    void invalidFacilityIsFatalOnlyWhenLoggingToSyslog() throws Exception {
        assertEquals("Unrecognized internal syslog facility code -1", error("-f", "KERN").getMessage());
        assertEquals(SyslogFacility.AUTH, parse("-e", "-f", "KERN").facility());
    }

    @Test
    void dashCStopsFlagParsing() throws Exception {
        assertFalse(parse("-c", "-R").readOnly());
    }
}
