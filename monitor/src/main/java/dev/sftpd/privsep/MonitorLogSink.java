// Log lines of a confined process, sent to the monitor that logs them: no syslog socket needed where it runs.
package dev.sftpd.privsep;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.LogSink;
import java.io.IOException;

/** For the transport (no /dev/log in its jail) and a chrooted engine (none in the user's). */
public record MonitorLogSink(MonitorCalls monitor) implements LogSink {
    @Override
    public void write(LogLevel level, String text) {
        try {
            monitor.log(level.ordinal(), text);
        } catch (IOException e) {
            // The monitor is gone: so is every reason to log.
        }
    }
}
