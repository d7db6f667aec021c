// Specifies how LogLevel reads OpenSSH's level names and maps levels to syslog priorities and prefixes.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogLevelTest {
    @Test
    void parsesEveryOpenSshNameCaseInsensitively() {
        for (LogLevel level : LogLevel.values()) {
            assertEquals(Optional.of(level), LogLevel.parse(level.name()));
            assertEquals(Optional.of(level), LogLevel.parse(level.name().toLowerCase()));
        }
        assertEquals(Optional.of(LogLevel.VERBOSE), LogLevel.parse("Verbose"));
    }

    @Test
    void debugMeansDebug1() {
        assertEquals(Optional.of(LogLevel.DEBUG1), LogLevel.parse("DEBUG"));
        assertEquals(Optional.of(LogLevel.DEBUG1), LogLevel.parse("debug"));
    }

    @Test
    void unknownNamesAreEmpty() {
        assertEquals(Optional.empty(), LogLevel.parse("DEBUG4"));
        assertEquals(Optional.empty(), LogLevel.parse("WARN"));
        assertEquals(Optional.empty(), LogLevel.parse(""));
        assertEquals(Optional.empty(), LogLevel.parse(" INFO"));
        assertEquals(Optional.empty(), LogLevel.parse(null));
    }

    @Test
    void syslogPrioritiesFollowLogC() {
        assertEquals(2, LogLevel.FATAL.priority());
        assertEquals(3, LogLevel.ERROR.priority());
        assertEquals(6, LogLevel.INFO.priority());
        assertEquals(6, LogLevel.VERBOSE.priority());
        assertEquals(7, LogLevel.DEBUG1.priority());
        assertEquals(7, LogLevel.DEBUG2.priority());
        assertEquals(7, LogLevel.DEBUG3.priority());
    }

    @Test
    void fatalAndErrorArePrefixedOnlyInSyslog() {
        assertEquals("fatal: ", LogLevel.FATAL.prefix(false));
        assertEquals("error: ", LogLevel.ERROR.prefix(false));
        assertEquals("", LogLevel.FATAL.prefix(true));
        assertEquals("", LogLevel.ERROR.prefix(true));
    }

    @Test
    void debugLevelsArePrefixedEverywhere() {
        for (boolean onStderr : new boolean[] {true, false}) {
            assertEquals("debug1: ", LogLevel.DEBUG1.prefix(onStderr));
            assertEquals("debug2: ", LogLevel.DEBUG2.prefix(onStderr));
            assertEquals("debug3: ", LogLevel.DEBUG3.prefix(onStderr));
            assertEquals("", LogLevel.INFO.prefix(onStderr));
            assertEquals("", LogLevel.VERBOSE.prefix(onStderr));
        }
    }
}
