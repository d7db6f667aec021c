// A privilege drop that failed or could not be proven: the process must not serve the user.
package dev.sftpd.privsep;

public final class PrivilegeDropException extends Exception {
    PrivilegeDropException(String message) {
        super(message);
    }

    PrivilegeDropException(String message, Throwable cause) {
        super(message, cause);
    }
}
