// The error a configuration is refused with: its message is sshd's "FILE line N: what is wrong".
package dev.sftpd.server.config;

/** A configuration sftpd will not run with; the message names the file (or "command-line") and the line. */
public final class ConfigException extends Exception {
    ConfigException(String message) {
        super(message);
    }
}
