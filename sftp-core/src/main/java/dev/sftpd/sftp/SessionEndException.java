// Ends an SFTP session with the exit status OpenSSH's sftp-server would use.
package dev.sftpd.sftp;

public final class SessionEndException extends Exception {
    /** A message longer than 256 KiB (sftp-server exits 11). */
    static final int BAD_LENGTH = 11;
    /** A malformed request, or any request before INIT (sshfatal: 255). */
    static final int FATAL = 255;

    private final int exitCode;

    SessionEndException(int exitCode, String why) {
        super(why, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
