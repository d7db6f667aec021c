// java.util.logging's configuration in the JVMs sftpd starts: none.
package dev.sftpd.log;

/**
 * Named by {@link LogbackProvider#SYSTEM_PROPERTIES} (and bin/sftp-server) as
 * java.util.logging.config.class: LogManager constructs it instead of reading the JDK's
 * logging.properties, so the root logger has no handler. jffi starts java.util.logging in every
 * transport and engine and is its only user there (messages at FINEST); the JDK's own
 * configuration (a console handler for stderr, which there is /dev/null or the daemon's) took
 * 3-4 ms of an engine's start.
 */
public final class NoJulConfiguration {
    public NoJulConfiguration() {
        // LogManager instantiates this instead of reading a configuration file.
    }
}
