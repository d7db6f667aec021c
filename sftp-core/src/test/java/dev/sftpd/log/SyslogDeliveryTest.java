// Specifies real delivery to a syslog socket, as syslogd on /dev/log would receive it.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyslogDeliveryTest {
    private static final String STAMP = "[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d";
    private static final long PID = ProcessHandle.current().pid();

    private final SshLog log = SshLog.get(SyslogDeliveryTest.class);
    private Path dir;
    private String socket;

    @BeforeEach
    void pointSyslogAtATempSocket() throws IOException {
        dir = Files.createTempDirectory("sshlog");
        socket = dir.resolve("log").toString();
        System.setProperty(Logging.SOCKET_PROPERTY, socket);
    }

    @AfterEach
    void restoreDefault() throws IOException {
        Logging.init("sftp-server", LogLevel.ERROR, SyslogFacility.AUTH, true);
        System.clearProperty(Logging.SOCKET_PROPERTY);
        Files.deleteIfExists(dir.resolve("log"));
        Files.delete(dir);
    }

    private static void assertLine(String expectedPriAndRest, String line) {
        String[] parts = expectedPriAndRest.split("\\|", 2);
        Pattern shape = Pattern.compile(Pattern.quote(parts[0]) + STAMP
                + Pattern.quote(" sftp-server[" + PID + "]: " + parts[1]));
        assertTrue(line != null && shape.matcher(line).matches(), "got: " + line);
    }

    @Test
    void infoAndErrorArriveAsGlibcSendsThem() {
        try (SyslogReceiver syslogd = SyslogReceiver.datagrams(socket)) {
            Logging.init("sftp-server", LogLevel.INFO, SyslogFacility.AUTH, false);
            log.info("hello");
            log.error("boom");
            assertLine("<38>|hello", syslogd.receive());
            assertLine("<35>|error: boom", syslogd.receive());
            assertNull(syslogd.receive());
        }
    }

    @Test
    void verboseIsNotDeliveredAtInfo() {
        try (SyslogReceiver syslogd = SyslogReceiver.datagrams(socket)) {
            Logging.init("sftp-server", LogLevel.INFO, SyslogFacility.AUTH, false);
            log.verbose("chatty");
            assertNull(syslogd.receive());
        }
    }

    @Test
    void syslogGetsTheEscapedMessage() {
        try (SyslogReceiver syslogd = SyslogReceiver.datagrams(socket)) {
            Logging.init("sftp-server", LogLevel.DEBUG1, SyslogFacility.LOCAL0, false);
            log.debug1("name \"%s\"", "a\nb\u00ff");
            assertLine("<135>|debug1: name \"a\\nb\\377\"", syslogd.receive());
        }
    }

    @Test
    void reconnectsAfterSyslogdRestarts() {
        Logging.init("sftp-server", LogLevel.INFO, SyslogFacility.AUTH, false);
        try (SyslogReceiver syslogd = SyslogReceiver.datagrams(socket)) {
            log.info("before");
            assertLine("<38>|before", syslogd.receive());
        }
        try (SyslogReceiver restarted = SyslogReceiver.datagrams(socket)) {
            log.info("after");
            assertLine("<38>|after", restarted.receive());
        }
    }

    @Test
    void fallsBackToAStreamWithNulTerminatedMessages() {
        try (SyslogReceiver syslogd = SyslogReceiver.stream(socket)) {
            Logging.init("sftpd", LogLevel.INFO, SyslogFacility.AUTHPRIV, false);
            log.info("one");
            log.info("two");
            String received = syslogd.acceptAndReceive();
            String[] messages = received.split("\0", -1);
            assertEquals(3, messages.length, received);
            assertEquals("", messages[2]);
            assertTrue(messages[0].matches("<86>" + STAMP + " sftpd\\[" + PID + "\\]: one"), messages[0]);
            assertTrue(messages[1].matches("<86>" + STAMP + " sftpd\\[" + PID + "\\]: two"), messages[1]);
        }
    }

    @Test
    void unreachableSyslogDropsMessagesSilently() {
        Logging.init("sftp-server", LogLevel.INFO, SyslogFacility.AUTH, false);
        log.info("nobody listens");
        log.fatal("still nobody");
        try (SyslogReceiver syslogd = SyslogReceiver.datagrams(socket)) {
            log.info("now somebody");
            assertLine("<38>|now somebody", syslogd.receive());
        }
    }
}
