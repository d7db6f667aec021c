// The logger the project's code calls, with OpenSSH's seven levels and printf-style messages.
package dev.sftpd.log;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Goes through SLF4J so that our lines and libraries' lines meet in one Logback sink. */
public final class SshLog {
    private final Logger logger;

    private SshLog(Logger logger) {
        this.logger = logger;
    }

    public static SshLog get(Class<?> owner) {
        return new SshLog(LoggerFactory.getLogger(owner));
    }

    public void fatal(String format, Object... args) {
        log(LogLevel.FATAL, format, args);
    }

    public void error(String format, Object... args) {
        log(LogLevel.ERROR, format, args);
    }

    public void info(String format, Object... args) {
        log(LogLevel.INFO, format, args);
    }

    public void verbose(String format, Object... args) {
        log(LogLevel.VERBOSE, format, args);
    }

    public void debug1(String format, Object... args) {
        log(LogLevel.DEBUG1, format, args);
    }

    public void debug2(String format, Object... args) {
        log(LogLevel.DEBUG2, format, args);
    }

    public void debug3(String format, Object... args) {
        log(LogLevel.DEBUG3, format, args);
    }

    /** A line another process logged, at its level: escaped here again, as the monitor of sshd does. */
    public void relay(LogLevel level, String text) {
        log(level, "%s", new Object[] {text});
    }

    /** Cheap enough to guard building an expensive argument. */
    public boolean enabled(LogLevel level) {
        return Logging.enabled(level);
    }

    private void log(LogLevel level, String format, Object[] args) {
        if (enabled(level)) {
            // Locale.ROOT: log.c formats in the C locale, and log parsers expect ASCII digits.
            LogbackLevels.log(logger, level, String.format(Locale.ROOT, format, args));
        }
    }
}
