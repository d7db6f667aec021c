// The Linux errno values the SFTP layer treats specially, and their strerror text.
package dev.sftpd.sftp.posix;

public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EBADF = 9;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;

    private Errno() {}

    /** strerror(3) text, for log lines worded like OpenSSH's. */
    public static String describe(int errno) {
        jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
        return e == null || e == jnr.constants.platform.Errno.__UNKNOWN_CONSTANT__
                ? "Unknown error " + errno
                : e.description();
    }
}
