// Specifies the syslog line glibc's syslog(3) would build.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class SyslogSinkTest {
    private final long pid = ProcessHandle.current().pid();
    private final SyslogSink sink = new SyslogSink("sftp-server", SyslogFacility.LOCAL2, "/nonexistent/log");

    @Test
    void singleDigitDaysArePaddedWithASpace() {
        assertEquals("<150>Nov  1 05:03:43 sftp-server[" + pid + "]: hello",
                sink.line(LogLevel.INFO, "hello", LocalDateTime.of(2025, 11, 1, 5, 3, 43)));
    }

    @Test
    void priorityCombinesFacilityAndLevelAndPrefixesFatal() {
        assertEquals("<146>Sep 30 23:59:09 sftp-server[" + pid + "]: fatal: gone",
                sink.line(LogLevel.FATAL, "gone", LocalDateTime.of(2025, 9, 30, 23, 59, 9)));
    }

    @Test
    void debugLinesCarryTheirLevel() {
        assertEquals("<151>Jan 10 00:00:00 sftp-server[" + pid + "]: debug3: x",
                sink.line(LogLevel.DEBUG3, "x", LocalDateTime.of(2026, 1, 10, 0, 0, 0)));
    }
}
