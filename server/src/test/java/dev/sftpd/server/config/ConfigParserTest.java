// sshd_config syntax and each keyword's parsing, defaults and errors, as sftpd reads its configuration.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static dev.sftpd.server.config.ConfigFile.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
    @TempDir
    Path dir;

    private static InetSocketAddress address(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    private Config parseWith(List<String> overrides, List<Integer> ports, List<Path> hostKeys, String... lines)
            throws Exception {
        return ConfigParser.parse(write(dir, lines), overrides, ports, hostKeys);
    }

    private String errorWith(List<String> overrides, List<Integer> ports, String... lines) {
        return String.join("\n",
                assertThrows(ConfigException.class, () -> parseWith(overrides, ports, List.of(), lines)).errors());
    }

    // Defaults and the file itself

    @Test
    void anEmptyFileGivesTheDefaults() throws Exception {
        Config c = parse(dir);
        assertEquals(List.of(22), c.ports());
        assertEquals(List.of(address("0.0.0.0", 22), address("::", 22)), c.listenAddresses());
        assertEquals(List.of(Path.of("/etc/sftpd/ssh_host_ed25519_key"), Path.of("/etc/sftpd/ssh_host_rsa_key")),
                c.hostKeys());
        assertTrue(c.hostKeysDefaulted());
        assertEquals(Optional.of(Path.of("/run/sftpd.pid")), c.pidFile());
        assertEquals(List.of(".ssh/authorized_keys", ".ssh/authorized_keys2"), c.authorizedKeysFiles());
        assertTrue(c.pubkeyAuthentication());
        assertTrue(c.strictModes());
        assertEquals(LogLevel.INFO, c.logLevel());
        assertEquals(SyslogFacility.AUTH, c.syslogFacility());
        assertEquals(RekeyLimit.DEFAULT, c.rekeyLimit());
        assertEquals(InternalSftp.DEFAULT, c.sftpSubsystem());
        assertEquals(Optional.empty(), c.forceCommand());
    }

    @Test
    void aMissingFileIsAnError() {
        Path missing = dir.resolve("nowhere");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(missing, List.of(), List.of(), List.of()));
        assertEquals(missing + ": No such file or directory", e.getMessage());
    }

    @Test
    void everyBadLineIsReportedThenSshdsTerminatingLine() throws IOException {
        Path file = write(dir, "Port 99999", "Port 2222", "Frobnicate yes");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(file, List.of(), List.of(), List.of()));

        assertEquals(2, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(0).startsWith(file + " line 1: "), e.getMessage());
        assertEquals(file + ": line 3: Bad configuration option: Frobnicate", e.errors().get(1));
        assertTrue(e.getMessage().endsWith("\n" + file + ": terminating, 2 bad configuration options"),
                e.getMessage());
    }

    @Test
    void aLineWithANulIsAnErrorNotCutShort() throws IOException {
        Path file = write(dir, "LogLevel INFO", "AllowUsers alice\0 bob");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(file, List.of(), List.of(), List.of()));

        assertEquals(List.of(file + " line 2: NUL byte at column 17"), e.errors(), e.getMessage());
    }

    @Test
    void aMissingOptionalFileGivesTheDefaultsAndTheFlags() throws Exception {
        Config c = ConfigParser.parseIfExists(dir.resolve("nowhere"), List.of("LogLevel DEBUG3"), List.of(2222),
                List.of());
        assertEquals(LogLevel.DEBUG3, c.logLevel());
        assertEquals(List.of(2222), c.ports());
        assertEquals(parse(dir).hostKeys(), c.hostKeys());
    }

    // Line syntax

    @Test
    void keywordsIgnoreCase() throws Exception {
        Config c = parse(dir, "pOrT 2222", "LOGLEVEL verbose", "strictmodes NO");
        assertEquals(List.of(2222), c.ports());
        assertEquals(LogLevel.VERBOSE, c.logLevel());
        assertFalse(c.strictModes());
    }

    @Test
    void anEqualsSignMaySeparateKeywordAndValue() throws Exception {
        assertEquals(List.of(2220, 2221, 2222, 2223),
                parse(dir, "Port=2220", "Port = 2221", "Port =2222", "\tPort= 2223").ports());
    }

    @Test
    void commentsAndBlankLinesAreSkippedButCounted() throws Exception {
        assertEquals(List.of(2222), parse(dir, "# a comment", "", "   ", "  # indented", "Port 2222 # trailing").ports());
        assertEquals(at(dir, 4) + ": invalid port \"x\"", error(dir, "# one", "", "  # three", "Port x"));
    }

    @Test
    void aHashInsideAWordIsNotAComment() throws Exception {
        assertEquals(List.of(Path.of("/etc/keys/#1")), parse(dir, "HostKey /etc/keys/#1").hostKeys());
    }

    @Test
    void carriageReturnsAreWhitespace() throws Exception {
        assertEquals(List.of(2222), parse(dir, "Port 2222\r", "\r").ports());
    }

    @Test
    void doubleQuotesKeepSpacesInOneArgument() throws Exception {
        Config c = parse(dir, "HostKey \"/etc/my keys/host key\"", "AuthorizedKeysFile \"/keys/%u keys\" x\"y z\"");
        assertEquals(List.of(Path.of("/etc/my keys/host key")), c.hostKeys());
        assertEquals(List.of("/keys/%u keys", "xy z"), c.authorizedKeysFiles());
    }

    @Test
    void anOpenQuoteIsAnError() {
        assertEquals(at(dir, 1) + ": invalid quotes", error(dir, "HostKey \"/etc/host key"));
    }

    @Test
    void unknownKeywordsAreRefusedInSshdWords() {
        assertEquals(dir.resolve("sftpd_config") + ": line 2: Bad configuration option: Foo",
                error(dir, "Port 22", "Foo bar"));
    }

    /** What a stock sshd_config sets for shells, ptys and X11 reads, is checked, prints, and is noted as doing nothing. */
    @Test
    void keywordsOfAShellServerAreCheckedAndHaveNoEffect() throws Exception {
        Config c = parse(dir, "X11Forwarding yes", "PrintMotd no", "AcceptEnv LANG LC_*", "AcceptEnv TZ");

        assertEquals(List.of("x11forwarding yes"), dumped(dir, "x11forwarding", "X11Forwarding yes"));
        assertEquals(List.of("acceptenv LANG", "acceptenv LC_*", "acceptenv TZ"),
                dumped(dir, "acceptenv", "AcceptEnv LANG LC_*", "AcceptEnv TZ"));
        assertEquals(List.of(
                "X11Forwarding yes: no effect, sftpd serves SFTP only (no shell, pty, X11 or environment)",
                "PrintMotd no: no effect, sftpd serves SFTP only (no shell, pty, X11 or environment)",
                "AcceptEnv LANG LC_* TZ: no effect, sftpd serves SFTP only (no shell, pty, X11 or environment)"),
                c.startupNotes());
        assertEquals(at(dir, 1) + ": unsupported option \"maybe\".", error(dir, "X11Forwarding maybe"));
        assertEquals(List.of(), parse(dir).startupNotes(), "the defaults say nothing");
    }

    // Include, as sshd: files read in place, in name order, the first value still winning (more in MatchTest)

    @Test
    void includedFilesAreReadWhereTheIncludeIsInNameOrderAndTheFirstValueWins() throws Exception {
        Path d = Files.createDirectory(dir.resolve("sftpd_config.d"));
        Files.writeString(d.resolve("20-late.conf"), "LogLevel DEBUG2\nMaxAuthTries 2\n");
        Files.writeString(d.resolve("10-early.conf"), "LogLevel VERBOSE\nPort 2022\n");
        Files.writeString(d.resolve("10-early.conf.disabled"), "MaxAuthTries 9\n");
        Files.writeString(d.resolve(".hidden.conf"), "MaxAuthTries 8\n");

        Config c = parse(dir, "MaxAuthTries 3", "Include " + d + "/*.conf", "LogLevel ERROR", "Port 2023");

        assertEquals(LogLevel.VERBOSE, c.logLevel());
        assertEquals(3, c.maxAuthTries());
        assertEquals(List.of(2022, 2023), c.ports());
    }

    @Test
    void aBadLineOfAnIncludedFileIsReportedWithThatFileAndLine() throws Exception {
        Path included = Files.writeString(dir.resolve("extra.conf"), "Port 22\nFrobnicate yes\n");

        ConfigException e = assertThrows(ConfigException.class, () -> parse(dir, "Include " + included, "Port x"));

        assertEquals(List.of(included + ": line 2: Bad configuration option: Frobnicate",
                at(dir, 2) + ": invalid port \"x\""), e.errors());
        assertTrue(e.getMessage().endsWith(dir.resolve("sftpd_config") + ": terminating, 2 bad configuration options"),
                e.getMessage());
    }

    @Test
    void useDnsIsNoByDefaultAndTakesYesOrNoWithTheLineOfABadValue() throws Exception {
        assertFalse(parse(dir, "").useDns());
        assertTrue(parse(dir, "UseDNS yes").useDns());
        assertEquals(List.of("usedns no"), dumped(dir, "usedns", "UseDNS no"));
        assertEquals(List.of("usedns yes"), dumped(dir, "usedns", "UseDNS yes"));
        assertTrue(error(dir, "UseDNS maybe").startsWith(at(dir, 1) + ": "), error(dir, "UseDNS maybe"));
    }

    @Test
    void sshdKeywordsNotImplementedAreRefusedByName() {
        assertEquals(at(dir, 1) + ": unsupported option \"IPQoS\"", error(dir, "IPQoS lowdelay"));
        assertEquals(at(dir, 1) + ": unsupported option \"Compression\"", error(dir, "Compression yes"));
    }

    @Test
    void aMissingArgumentIsAnError() {
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "Port"));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "PidFile="));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "PidFile \"\""));
    }

    @Test
    void extraArgumentsAreAnError() {
        assertEquals(at(dir, 1) + ": keyword Port extra arguments at end of line", error(dir, "Port 22 2222"));
    }

    // First one wins; repeatable keywords collect

    @Test
    void theFirstValueOfASingleValuedKeywordWins() throws Exception {
        Config c = parse(dir, "LogLevel DEBUG", "LogLevel ERROR", "PidFile /a.pid", "PidFile none");
        assertEquals(LogLevel.DEBUG1, c.logLevel());
        assertEquals(Optional.of(Path.of("/a.pid")), c.pidFile());
    }

    @Test
    void laterLinesAreCheckedEvenWhenTheyLose() {
        assertEquals(at(dir, 2) + ": unsupported log level 'LOUD'", error(dir, "LogLevel INFO", "LogLevel LOUD"));
    }

    // Command line: -o, -p, -h

    @Test
    void minusOWinsOverTheFile() throws Exception {
        Config c = parseWith(List.of("LogLevel=ERROR", "StrictModes no"), List.of(), List.of(),
                "LogLevel DEBUG", "StrictModes yes");
        assertEquals(LogLevel.ERROR, c.logLevel());
        assertFalse(c.strictModes());
    }

    @Test
    void minusOPortsAddToTheFilesAsInSshd() throws Exception {
        assertEquals(List.of(2222, 22), parseWith(List.of("Port 2222"), List.of(), List.of(), "Port 22").ports());
    }

    @Test
    void minusOErrorsNameTheCommandLine() {
        assertEquals("command-line line 0: unsupported option \"maybe\".",
                errorWith(List.of("StrictModes=maybe"), List.of()));
        assertEquals("command-line: line 0: Bad configuration option: Foo", errorWith(List.of("Foo=bar"), List.of()));
        assertEquals("command-line line 0: Match directive not supported as a command-line option",
                errorWith(List.of("Match User bob"), List.of()));
        assertEquals("command-line line 0: Include directive not supported as a command-line option",
                errorWith(List.of("Include /etc/sftpd/sftpd_config.d/*.conf"), List.of()));
    }

    @Test
    void minusPReplacesEveryPort() throws Exception {
        Config c = parseWith(List.of("Port 2000"), List.of(2222, 2223), List.of(), "Port 22", "Port 23",
                "ListenAddress 127.0.0.1");
        assertEquals(List.of(2222, 2223), c.ports());
        assertEquals(List.of(address("127.0.0.1", 2222), address("127.0.0.1", 2223)), c.listenAddresses());
    }

    @Test
    void minusPIsCheckedLikeAPortLine() {
        assertEquals("command-line line 0: invalid port \"99999\"", errorWith(List.of(), List.of(99999)));
    }

    @Test
    void minusHReplacesEveryHostKey() throws Exception {
        Config c = parseWith(List.of(), List.of(), List.of(Path.of("/b"), Path.of("/c")), "HostKey /a");
        assertEquals(List.of(Path.of("/b"), Path.of("/c")), c.hostKeys());
        assertFalse(c.hostKeysDefaulted());
    }

    // Keywords

    @Test
    void portLinesCollect() throws Exception {
        Config c = parse(dir, "Port 22", "Port 2222");
        assertEquals(List.of(22, 2222), c.ports());
        assertEquals(List.of(address("0.0.0.0", 22), address("0.0.0.0", 2222), address("::", 22),
                address("::", 2222)), c.listenAddresses());
    }

    @Test
    void portsOutOfRangeAreRefused() {
        assertEquals(at(dir, 1) + ": invalid port \"99999\"", error(dir, "Port 99999"));
        assertEquals(at(dir, 1) + ": invalid port \"0\"", error(dir, "Port 0"));
        assertEquals(at(dir, 1) + ": invalid port \"ssh\"", error(dir, "Port ssh"));
    }

    @Test
    void listenAddressWithoutAPortUsesEveryPort() throws Exception {
        Config c = parse(dir, "ListenAddress 127.0.0.1", "Port 22", "Port 2222", "ListenAddress ::1");
        assertEquals(List.of(address("127.0.0.1", 22), address("127.0.0.1", 2222), address("::1", 22),
                address("::1", 2222)), c.listenAddresses());
    }

    @Test
    void listenAddressTakesHostPortBracketedAndBareIpv6() throws Exception {
        Config c = parse(dir, "Port 2000", "ListenAddress 127.0.0.1:2200", "ListenAddress [::1]:2201",
                "ListenAddress [::2]", "ListenAddress fe80::1", "ListenAddress 10.0.0.1");
        assertEquals(List.of(address("127.0.0.1", 2200), address("::1", 2201), address("::2", 2000),
                address("fe80::1", 2000), address("10.0.0.1", 2000)), c.listenAddresses());
    }

    @Test
    void listenAddressResolvesHostNames() throws Exception {
        assertTrue(parse(dir, "ListenAddress localhost:2222").listenAddresses().contains(address("127.0.0.1", 2222)));
    }

    @Test
    void badListenAddressesAreRefused() {
        assertEquals(at(dir, 1) + ": invalid port \"99999\"", error(dir, "ListenAddress 127.0.0.1:99999"));
        assertEquals(at(dir, 1) + ": bad address:port usage", error(dir, "ListenAddress [::1"));
        assertEquals(at(dir, 1) + ": bad address:port usage", error(dir, "ListenAddress [::1]2222"));
        assertEquals(at(dir, 1) + ": bad address:port usage", error(dir, "ListenAddress :2222"));
        assertEquals(at(dir, 1) + ": bad addr or host: no-such-host.invalid",
                error(dir, "ListenAddress no-such-host.invalid"));
    }

    @Test
    void hostKeysCollectAndRelativeOnesAreMadeAbsolute() throws Exception {
        Config c = parse(dir, "HostKey /etc/sftpd/key1", "HostKey keys/key2");
        assertEquals(List.of(Path.of("/etc/sftpd/key1"), Path.of("keys/key2").toAbsolutePath()), c.hostKeys());
        assertFalse(c.hostKeysDefaulted());
    }

    @Test
    void pidFileIsAPathOrNone() throws Exception {
        assertEquals(Optional.of(Path.of("/var/run/x.pid")), parse(dir, "PidFile /var/run/x.pid").pidFile());
        assertEquals(Optional.empty(), parse(dir, "PidFile none").pidFile());
    }

    @Test
    void auditLogIsAPathOrNoneAndNoneByDefault() throws Exception {
        assertEquals(Optional.empty(), parse(dir).auditLog());
        assertEquals(Optional.of(Path.of("/var/log/sftpd/audit.json")),
                parse(dir, "AuditLog /var/log/sftpd/audit.json").auditLog());
        assertEquals(Optional.empty(), parse(dir, "AuditLog none").auditLog());
    }

    @Test
    void anAuditLogLineWithTwoPathsIsAnErrorAtItsLine() throws IOException {
        Path file = write(dir, "Port 2222", "AuditLog /var/log/a.json /var/log/b.json");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(file, List.of(), List.of(), List.of()));

        assertEquals(1, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(0).startsWith(file + " line 2: "), e.getMessage());
    }

    @Test
    void controlSocketIsAPathOrNoneAndRunSftpdControlByDefault() throws Exception {
        assertEquals(Optional.of(Path.of("/run/sftpd/control")), parse(dir).controlSocket());
        assertEquals(Optional.of(Path.of("/run/x/ctl")), parse(dir, "ControlSocket /run/x/ctl").controlSocket());
        assertEquals(Optional.empty(), parse(dir, "ControlSocket none").controlSocket());
    }

    @Test
    void authorizedKeysFileTakesSeveralPatternsOrNone() throws Exception {
        assertEquals(List.of("/etc/keys/%u", "%h/.ssh/keys"),
                parse(dir, "AuthorizedKeysFile /etc/keys/%u %h/.ssh/keys").authorizedKeysFiles());
        assertEquals(List.of(), parse(dir, "AuthorizedKeysFile none").authorizedKeysFiles());
    }

    @Test
    void authorizedKeysFileTokensAreCheckedAtOnce() {
        assertEquals(at(dir, 1) + ": bad AuthorizedKeysFile \"/keys/%n\": unknown key %n",
                error(dir, "AuthorizedKeysFile .ssh/authorized_keys /keys/%n"));
        assertEquals(at(dir, 1) + ": bad AuthorizedKeysFile \"/keys/%\": '%' at the end",
                error(dir, "AuthorizedKeysFile /keys/%"));
    }

    @Test
    void yesNoKeywordsTakeYesOrNoInAnyCase() throws Exception {
        Config c = parse(dir, "PubkeyAuthentication No", "StrictModes YES");
        assertFalse(c.pubkeyAuthentication());
        assertTrue(c.strictModes());
        assertEquals(at(dir, 1) + ": unsupported option \"maybe\".", error(dir, "PubkeyAuthentication maybe"));
    }

    @Test
    void logLevelAndFacilityTakeOpenSshNames() throws Exception {
        Config c = parse(dir, "LogLevel debug", "SyslogFacility local3");
        assertEquals(LogLevel.DEBUG1, c.logLevel());
        assertEquals(SyslogFacility.LOCAL3, c.syslogFacility());
        assertEquals(at(dir, 1) + ": unsupported log level 'LOUD'", error(dir, "LogLevel LOUD"));
        assertEquals(at(dir, 1) + ": unsupported log facility 'KERN'", error(dir, "SyslogFacility KERN"));
    }
}
