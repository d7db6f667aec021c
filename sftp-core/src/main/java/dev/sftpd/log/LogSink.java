// Where escaped log lines end up: stderr or syslog, as log.c's log_on_stderr chooses.
package dev.sftpd.log;

public interface LogSink {
    /** {@code text} is already escaped; the sink adds the level's prefix and its own framing. */
    void write(LogLevel level, String text);

    default void close() {
    }
}
