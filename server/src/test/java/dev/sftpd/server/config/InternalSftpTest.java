// Subsystem sftp internal-sftp and ForceCommand internal-sftp, with sftp-server's flags checked line by line.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.sftp.MatchList;
import dev.sftpd.sftp.ServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InternalSftpTest {
    @TempDir
    Path dir;

    @Test
    void withoutASubsystemLineSftpIsInternalSftpWithoutFlags() throws Exception {
        InternalSftp sftp = parse(dir).sftpSubsystem();
        assertEquals(List.of(), sftp.flags());
        assertEquals(ServerOptions.DEFAULTS, sftp.options());
    }

    @Test
    void subsystemFlagsBecomeServerOptions() throws Exception {
        InternalSftp sftp = parse(dir, "Subsystem sftp internal-sftp -R -P remove").sftpSubsystem();
        assertEquals(List.of("-R", "-P", "remove"), sftp.flags());
        assertTrue(sftp.options().readOnly());
        assertEquals(Optional.of(MatchList.parse("remove")), sftp.options().denied());
    }

    @Test
    void everySftpServerFlagIsRead() throws Exception {
        ServerOptions o = parse(dir, "subsystem sftp internal-sftp -d /srv/%u -u 022 -l VERBOSE -f LOCAL3 -e "
                + "-p open,read,close").sftpSubsystem().options();
        assertEquals(Optional.of("/srv/%u"), o.startDirectory());
        assertEquals(Optional.of(022), o.umask());
        assertEquals(LogLevel.VERBOSE, o.logLevel());
        assertEquals(SyslogFacility.LOCAL3, o.facility());
        assertTrue(o.logToStderr());
        assertEquals(Optional.of(MatchList.parse("open,read,close")), o.allowed());
    }

    @Test
    void theFirstSubsystemLineWins() throws Exception {
        assertEquals(List.of("-R"),
                parse(dir, "Subsystem sftp internal-sftp -R", "Subsystem sftp internal-sftp").sftpSubsystem().flags());
    }

    @Test
    void onlyTheSftpSubsystemIsServed() {
        assertEquals(at(dir, 1) + ": Subsystem \"scp\" is not supported: sftpd serves only sftp",
                error(dir, "Subsystem scp internal-sftp"));
    }

    @Test
    void onlyInternalSftpRuns() {
        String only = " is not supported: the only command is internal-sftp (or an sftp-server, which sftpd serves "
                + "itself)";
        assertEquals(at(dir, 1) + ": \"/bin/sh\"" + only, error(dir, "ForceCommand /bin/sh -c date"));
        assertEquals(at(dir, 1) + ": \"sftp-server\"" + only, error(dir, "Subsystem sftp sftp-server"));
    }

    /** A stock sshd_config names OpenSSH's program: sftpd's own engine serves it, flags and all, and says so. */
    @Test
    void anExternalSftpServerIsServedByTheEngineWithItsFlags() throws Exception {
        Config c = parse(dir, "Subsystem sftp /usr/lib/openssh/sftp-server -u 027");

        assertTrue(c.sftpSubsystem().external());
        assertEquals(List.of("-u", "027"), c.sftpSubsystem().flags());
        assertEquals(List.of("subsystem sftp /usr/lib/openssh/sftp-server -u 027"),
                dumped(dir, "subsystem", "Subsystem sftp /usr/lib/openssh/sftp-server -u 027"));
        assertEquals(List.of("/usr/lib/openssh/sftp-server: served by sftpd's own SFTP engine, as internal-sftp"),
                c.startupNotes());
        assertFalse(parse(dir, "Subsystem sftp internal-sftp").sftpSubsystem().external());
    }

    @Test
    void subsystemNeedsANameAndACommand() {
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "Subsystem sftp"));
    }

    @Test
    void badFlagsNameTheLine() {
        assertEquals(at(dir, 2) + ": internal-sftp: unknown option -- x",
                error(dir, "Port 22", "Subsystem sftp internal-sftp -R -x"));
        assertEquals(at(dir, 1) + ": internal-sftp: Invalid umask \"999\"",
                error(dir, "Subsystem sftp internal-sftp -u 999"));
        assertEquals(at(dir, 1) + ": internal-sftp: Unrecognized internal syslog level code -1",
                error(dir, "Subsystem sftp internal-sftp -l LOUD"));
        assertEquals(at(dir, 1) + ": internal-sftp: option requires an argument -- P",
                error(dir, "ForceCommand internal-sftp -P"));
        assertEquals(at(dir, 1) + ": internal-sftp: usage: internal-sftp [-ehR] [-d start_directory] "
                + "[-f log_facility] [-l log_level]", error(dir, "Subsystem sftp internal-sftp -h"));
    }

    @Test
    void queryingRequestsCannotServeASession() {
        assertEquals(at(dir, 1) + ": internal-sftp: -Q lists requests and exits; it cannot serve a session",
                error(dir, "Subsystem sftp internal-sftp -Q requests"));
    }

    @Test
    void forceCommandInternalSftpTakesFlags() throws Exception {
        InternalSftp forced = parse(dir, "ForceCommand internal-sftp -R -d /upload").forceCommand().orElseThrow();
        assertEquals(List.of("-R", "-d", "/upload"), forced.flags());
        assertTrue(forced.options().readOnly());
        assertEquals(Optional.of("/upload"), forced.options().startDirectory());
    }

    @Test
    void forceCommandNoneIsUnset() throws Exception {
        assertFalse(parse(dir, "ForceCommand none", "ForceCommand internal-sftp").forceCommand().isPresent());
    }
}
