// How OpenSSH levels travel through SLF4J/Logback and back, so our messages and libraries' share one filter and one sink.
package dev.sftpd.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Logback has five levels and OpenSSH seven: FATAL, VERBOSE and DEBUG2 ride on the Logback
 * level below or above them with a marker naming them. Events from other SLF4J users (loggers
 * outside dev.sftpd) are one step quieter than their own level says, so that a library's
 * chatter never reads as an sshd log line: ERROR = ERROR, WARN = VERBOSE, INFO = DEBUG1,
 * DEBUG = DEBUG2, TRACE = DEBUG3.
 */
final class LogbackLevels {
    private static final Marker FATAL = MarkerFactory.getMarker("FATAL");
    private static final Marker VERBOSE = MarkerFactory.getMarker("VERBOSE");
    private static final Marker DEBUG2 = MarkerFactory.getMarker("DEBUG2");
    private static final String OUR_LOGGERS = "dev.sftpd.";

    private LogbackLevels() {
    }

    /** Logs without SLF4J argument substitution, which would eat a "\{}" in a file name. */
    static void log(Logger logger, LogLevel level, String message) {
        switch (level) {
            case FATAL -> logger.error(FATAL, message);
            case ERROR -> logger.error(message);
            case INFO -> logger.info(message);
            case VERBOSE -> logger.info(VERBOSE, message);
            case DEBUG1 -> logger.debug(message);
            case DEBUG2 -> logger.debug(DEBUG2, message);
            case DEBUG3 -> logger.trace(message);
        }
    }

    static LogLevel of(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers != null) {
            for (Marker marker : markers) {
                if (marker.contains(FATAL)) {
                    return LogLevel.FATAL;
                }
                if (marker.contains(VERBOSE)) {
                    return LogLevel.VERBOSE;
                }
                if (marker.contains(DEBUG2)) {
                    return LogLevel.DEBUG2;
                }
            }
        }
        boolean ours = event.getLoggerName().startsWith(OUR_LOGGERS);
        return switch (event.getLevel().toInt()) {
            case Level.ERROR_INT -> LogLevel.ERROR;
            case Level.WARN_INT -> ours ? LogLevel.ERROR : LogLevel.VERBOSE;
            case Level.INFO_INT -> ours ? LogLevel.INFO : LogLevel.DEBUG1;
            case Level.DEBUG_INT -> ours ? LogLevel.DEBUG1 : LogLevel.DEBUG2;
            default -> LogLevel.DEBUG3;
        };
    }

    /**
     * The root logger's level: the lowest Logback level that can still be emitted, so that
     * libraries' isDebugEnabled() stays false when we would drop their output anyway.
     */
    static Level threshold(LogLevel configured) {
        return switch (configured) {
            case QUIET -> Level.OFF;
            case FATAL -> Level.ERROR;
            case ERROR -> Level.WARN;
            case INFO, VERBOSE -> Level.INFO;
            case DEBUG1, DEBUG2 -> Level.DEBUG;
            case DEBUG3 -> Level.TRACE;
        };
    }
}
