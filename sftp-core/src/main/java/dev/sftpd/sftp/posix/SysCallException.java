// A failed system call, carrying the errno that decides the SFTP status sent back.
package dev.sftpd.sftp.posix;

public final class SysCallException extends Exception {
    private final int errno;

    public SysCallException(String call, int errno) {
        super(call + ": " + Errno.describe(errno), null, false, false);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** Just the strerror(3) text, for log lines like OpenSSH's "read \"%s\": %s". */
    public String reason() {
        return Errno.describe(errno);
    }
}
