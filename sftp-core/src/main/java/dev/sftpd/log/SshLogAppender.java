// The only Logback appender: OpenSSH's level filter and escaping for every event, ours or a library's.
package dev.sftpd.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/** AppenderBase serialises doAppend, so a sink sees one line at a time. */
final class SshLogAppender extends AppenderBase<ILoggingEvent> {
    private final LogSink sink;

    SshLogAppender(LogSink sink) {
        this.sink = sink;
    }

    @Override
    protected void append(ILoggingEvent event) {
        LogLevel level = LogbackLevels.of(event);
        if (Logging.enabled(level)) {
            sink.write(level, Vis.encode(message(event)));
        }
    }

    @Override
    public void stop() {
        super.stop();
        sink.close();
    }

    /** An OpenSSH log line has no room for a stack trace, but a library's exception must not vanish. */
    private static String message(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown == null) {
            return event.getFormattedMessage();
        }
        String cause = thrown.getMessage() == null
                ? thrown.getClassName()
                : thrown.getClassName() + ": " + thrown.getMessage();
        return event.getFormattedMessage() + ": " + cause;
    }
}
