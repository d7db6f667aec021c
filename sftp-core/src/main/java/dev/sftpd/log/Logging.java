// Where a program chooses its log level and sink, as OpenSSH's log_init() does.
package dev.sftpd.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.Objects;
import org.slf4j.LoggerFactory;

public final class Logging {
    /** Lets tests aim syslog output at a socket of their own instead of /dev/log. */
    static final String SOCKET_PROPERTY = "sftpd.syslog.socket";

    // Read on every log call before any formatting; log.c's default until log_init() is ERROR.
    private static volatile LogLevel level = LogLevel.ERROR;

    private Logging() {
    }

    /**
     * (Re)configures Logback programmatically (no logback.xml needed): ident is the program name
     * shown in syslog ("sftp-server", later "sftpd"); messages above {@code level} are dropped;
     * toStderr=true writes to stderr instead of syslog. May be called more than once
     * (a program first inits with defaults, then again after parsing its flags).
     */
    public static void init(String ident, LogLevel level, SyslogFacility facility, boolean toStderr) {
        Objects.requireNonNull(ident, "ident");
        Objects.requireNonNull(facility, "facility");
        install(level, toStderr
                ? new StderrSink(System.err)
                : new SyslogSink(ident, facility, System.getProperty(SOCKET_PROPERTY, "/dev/log")));
    }

    /**
     * Makes the native binding that syslog lines go through (jnr-ffi generates it on first use),
     * without opening anything: for a process that logs only after it has waited for its work.
     */
    public static void bindNatives() {
        SyslogSocket.bind();
    }

    /** As {@link #init}, with a sink of the caller's: a confined process sends its lines to the monitor. */
    public static void init(LogLevel level, LogSink sink) {
        install(level, Objects.requireNonNull(sink, "sink"));
    }

    /** Replaces whatever Logback had, so stdout (the SFTP channel) never carries a log line. */
    static synchronized void install(LogLevel level, LogSink sink) {
        Logging.level = Objects.requireNonNull(level, "level");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        attach(context, level, sink);
    }

    /** Makes {@code sink}, through our one appender, what the context's root logger writes to. */
    static void attach(LoggerContext context, LogLevel level, LogSink sink) {
        SshLogAppender appender = new SshLogAppender(sink);
        appender.setContext(context);
        appender.setName("sshlog");
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(LogbackLevels.threshold(level));
        root.addAppender(appender);
    }

    /** log.c's test: a message goes out iff its level is at or below the configured one. */
    static boolean enabled(LogLevel messageLevel) {
        return messageLevel != LogLevel.QUIET && messageLevel.compareTo(level) <= 0;
    }
}
