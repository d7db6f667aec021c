// Specifies level filtering and the stderr format, for SshLog and for other SLF4J users.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final SshLog log = SshLog.get(LoggingTest.class);
    private final Logger library = LoggerFactory.getLogger("org.apache.sshd.Example");

    @AfterEach
    void restoreDefault() {
        Logging.init("sftp-server", LogLevel.ERROR, SyslogFacility.AUTH, true);
    }

    private void configure(LogLevel level) {
        Logging.install(level, new StderrSink(stderr));
    }

    private String output() {
        return stderr.toString(StandardCharsets.ISO_8859_1);
    }

    private void logOneLineAtEveryLevel() {
        log.fatal("fatal %d", 1);
        log.error("error %d", 2);
        log.info("info %d", 3);
        log.verbose("verbose %d", 4);
        log.debug1("debug1 %d", 5);
        log.debug2("debug2 %d", 6);
        log.debug3("debug3 %d", 7);
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void emitsExactlyTheLevelsAtOrBelowTheConfiguredOne(LogLevel configured) {
        configure(configured);
        logOneLineAtEveryLevel();
        String expected = String.join("", List.of(
                "fatal 1\r\n", "error 2\r\n", "info 3\r\n", "verbose 4\r\n",
                "debug1: debug1 5\r\n", "debug2: debug2 6\r\n", "debug3: debug3 7\r\n")
                .subList(0, configured.ordinal()));
        assertEquals(expected, output());
    }

    @Test
    void quietEmitsNotEvenFatal() {
        configure(LogLevel.QUIET);
        log.fatal("no");
        library.error("no");
        assertEquals("", output());
    }

    @ParameterizedTest
    @EnumSource(LogLevel.class)
    void enabledAgreesWithTheConfiguredLevel(LogLevel configured) {
        configure(configured);
        for (LogLevel level : LogLevel.values()) {
            boolean expected = level != LogLevel.QUIET && level.ordinal() <= configured.ordinal();
            assertEquals(expected, log.enabled(level), level + " at " + configured);
        }
    }

    @Test
    void stderrLineIsTheMessageAndANewlineOnly() {
        configure(LogLevel.INFO);
        log.info("session opened for local user %s from [%s]", "alice", "127.0.0.1");
        assertEquals("session opened for local user alice from [127.0.0.1]\r\n", output());
    }

    @Test
    void messagesAreEscapedOnStderr() {
        configure(LogLevel.INFO);
        String name = new String("dir/\u00e9\r\u001b".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        log.info("open \"%s\"", name);
        assertEquals("open \"dir/\\303\\251\\r\\033\"\r\n", output());
    }

    /** A newline in a client's string must not start a line of its own: log.c's VIS_NL, on stderr too. */
    @Test
    void aNewlineFromAClientCannotWriteALineOfItsOwn() {
        configure(LogLevel.INFO);
        log.info("Invalid user %s from 10.0.0.1", "x\nAccepted password for root from 10.6.6.6 port 1 ssh2\t\u0000");
        assertEquals("Invalid user x\\nAccepted password for root from 10.6.6.6 port 1 ssh2\\t\\000 from 10.0.0.1\r\n",
                output());
    }

    @Test
    void slf4jPlaceholdersInMessagesStayVerbatim() {
        configure(LogLevel.INFO);
        log.info("%s", "a\\{} {} b");
        assertEquals("a\\{} {} b\r\n", output());
    }

    @Test
    void libraryWarningsAreVerbose() {
        configure(LogLevel.INFO);
        library.warn("hidden");
        configure(LogLevel.VERBOSE);
        library.warn("shown {}", 1);
        library.info("hidden");
        assertEquals("shown 1\r\n", output());
    }

    @Test
    void libraryInfoIsDebug1() {
        configure(LogLevel.INFO);
        library.info("hidden");
        configure(LogLevel.DEBUG1);
        library.info("shown");
        library.debug("hidden");
        assertEquals("debug1: shown\r\n", output());
    }

    @Test
    void libraryDebugIsDebug2AndTraceIsDebug3() {
        configure(LogLevel.DEBUG2);
        library.debug("shown");
        library.trace("hidden");
        configure(LogLevel.DEBUG3);
        library.trace("traced");
        assertEquals("debug2: shown\r\ndebug3: traced\r\n", output());
    }

    @Test
    void libraryExceptionKeepsItsOneLineSummary() {
        configure(LogLevel.ERROR);
        library.error("read failed", new IOException("Connection reset"));
        assertEquals("read failed: java.io.IOException: Connection reset\r\n", output());
    }

    @Test
    void initAgainReplacesTheSink() {
        configure(LogLevel.INFO);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        Logging.install(LogLevel.DEBUG1, new StderrSink(second));
        log.debug1("later");
        assertEquals("", output());
        assertEquals("debug1: later\r\n", second.toString(StandardCharsets.ISO_8859_1));
    }
}
