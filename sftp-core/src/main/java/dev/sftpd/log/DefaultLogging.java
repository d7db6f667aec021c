// Logback's configuration until a program calls Logging.init: errors only, to stderr, because stdout may carry SFTP.
package dev.sftpd.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * Found by Logback through META-INF/services before it looks for a logback.xml, and set up in
 * code: reading an XML file would load Logback's Joran and the JDK's XML parser (some 600
 * classes) into every transport, engine and sftp-server at start, only to be replaced by
 * Logging.init a moment later.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** What LogbackProvider sets up too. */
    static void apply(LoggerContext context) {
        // Logback's own status lines would go to stdout.
        context.getStatusManager().add(new NopStatusListener());
        Logging.attach(context, LogLevel.ERROR, new StderrSink(System.err));
    }
}
