// SFTP status codes, their OpenSSH messages, and OpenSSH's errno-to-status mapping.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Errno;

enum Status {
    OK("Success"),
    EOF("End of file"),
    NO_SUCH_FILE("No such file"),
    PERMISSION_DENIED("Permission denied"),
    FAILURE("Failure"),
    BAD_MESSAGE("Bad message"),
    NO_CONNECTION("No connection"),
    CONNECTION_LOST("Connection lost"),
    OP_UNSUPPORTED("Operation unsupported");

    final String message;

    Status(String message) {
        this.message = message;
    }

    int code() {
        return ordinal();
    }

    /** errno_to_portable() of sftp-server.c. */
    static Status fromErrno(int errno) {
        return switch (errno) {
            case 0 -> OK;
            case Errno.ENOENT, Errno.ENOTDIR, Errno.EBADF, Errno.ELOOP -> NO_SUCH_FILE;
            case Errno.EPERM, Errno.EACCES, Errno.EFAULT -> PERMISSION_DENIED;
            case Errno.ENAMETOOLONG, Errno.EINVAL -> BAD_MESSAGE;
            case Errno.ENOSYS -> OP_UNSUPPORTED;
            default -> FAILURE;
        };
    }
}
