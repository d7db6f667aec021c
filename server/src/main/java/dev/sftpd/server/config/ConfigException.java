// The error a configuration is refused with: its message is sshd's "FILE line N: what is wrong", one per bad line.
package dev.sftpd.server.config;

import java.util.List;

/** A configuration sftpd will not run with; each message names the file (or "command-line") and the line. */
public final class ConfigException extends Exception {
    private final List<String> errors;

    ConfigException(String message) {
        super(message);
        this.errors = List.of(message);
    }

    /** Every bad line of a file, then sshd's closing line ("FILE: terminating, N bad configuration options"). */
    ConfigException(List<String> errors, String terminating) {
        super(String.join("\n", errors) + "\n" + terminating);
        this.errors = List.copyOf(errors);
    }

    /** One message per bad line, without the closing line. */
    public List<String> errors() {
        return errors;
    }
}
