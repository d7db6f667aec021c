// OpenSSH's log levels (sshd_config LogLevel, sftp-server -l), in log.c's order so that order is the filter.
package dev.sftpd.log;

import java.util.Locale;
import java.util.Optional;

public enum LogLevel {
    QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG1, DEBUG2, DEBUG3;

    /** OpenSSH names, case-insensitive; "DEBUG" means DEBUG1. Empty if unknown. */
    public static Optional<LogLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.equals("DEBUG")) {
            return Optional.of(DEBUG1);
        }
        for (LogLevel level : values()) {
            if (level.name().equals(upper)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** The syslog(3) priority log.c picks; VERBOSE shares LOG_INFO because syslog has nothing between. */
    int priority() {
        return switch (this) {
            case FATAL -> 2; // LOG_CRIT
            case ERROR -> 3; // LOG_ERR
            case INFO, VERBOSE -> 6; // LOG_INFO
            case DEBUG1, DEBUG2, DEBUG3 -> 7; // LOG_DEBUG
            case QUIET -> throw new IllegalStateException("QUIET is a threshold, never a message's level");
        };
    }

    /**
     * The "txt: " log.c puts in front of the message. On stderr fatal and error go bare, as a
     * user reading a terminal expects; syslog has no other way to show them.
     */
    String prefix(boolean onStderr) {
        return switch (this) {
            case FATAL -> onStderr ? "" : "fatal: ";
            case ERROR -> onStderr ? "" : "error: ";
            case DEBUG1 -> "debug1: ";
            case DEBUG2 -> "debug2: ";
            case DEBUG3 -> "debug3: ";
            case QUIET, INFO, VERBOSE -> "";
        };
    }
}
