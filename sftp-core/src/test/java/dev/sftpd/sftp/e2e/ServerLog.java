// The server log lines the tests expect on stderr, worded as OpenSSH's sftp-server logs them.
package dev.sftpd.sftp.e2e;

import java.nio.file.Path;

final class ServerLog {
    private ServerLog() {
    }

    static String open(Path path, String flags, String mode) {
        return "open \"" + path + "\" flags " + flags + " mode " + mode;
    }

    static String close(Path path, long read, long written) {
        return "close \"" + path + "\" bytes read " + read + " written " + written;
    }

    /** A setstat's change as logged: "mode 0604", "modtime 20010203-04:05:06", "owner 1 group 0". */
    static String set(Path path, String change) {
        return "set \"" + path + "\" " + change;
    }

    static String refusedReadOnly(String request) {
        return "Refusing " + request + " request in read-only mode";
    }

    static String refusedDenied(String request) {
        return "Refusing denylisted " + request + " request";
    }

    static String refusedNotAllowed(String request) {
        return "Refusing non-allowlisted " + request + " request";
    }
}
