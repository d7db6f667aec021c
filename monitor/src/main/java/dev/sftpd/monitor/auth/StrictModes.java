// OpenSSH's safe_path(): whether a file a user keeps for sshd could have been written by someone else.
package dev.sftpd.monitor.auth;

import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file and each directory above it must belong to root or the user and be writable by no
 * one else, walking the canonical path upwards. The walk stops after the home directory, as
 * sshd's does: home is checked, /home above it is not (a file outside home is checked up to /).
 */
final class StrictModes {
    private static final int GROUP_OR_OTHER_WRITE = 022;

    private StrictModes() {}

    /** What is wrong, worded as sshd's message after "Authentication refused: ", or empty when safe. */
    static Optional<String> problem(Path file, Stat opened, Account user) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return Optional.of(String.format("realpath %s failed: %s", file, strerror(e)));
        }
        Optional<Path> home = realHome(user.home());
        if (!opened.isRegular()) {
            return Optional.of(String.format("%s is not a regular file", real));
        }
        if (!safe(opened, user)) {
            return Optional.of(String.format("bad ownership or modes for file %s", real));
        }
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            if (!safeDirectory(dir, user)) {
                return Optional.of(String.format("bad ownership or modes for directory %s", dir));
            }
            if (home.isPresent() && home.get().equals(dir)) {
                break;
            }
        }
        return Optional.empty();
    }

    private static boolean safeDirectory(Path dir, Account user) {
        try {
            return safe(Posix.get().stat(NativePath.bytes(dir)), user);
        } catch (SysCallException e) {
            return false;
        }
    }

    /** platform_sys_dir_uid() is root alone on Linux. */
    private static boolean safe(Stat st, Account user) {
        return (st.uid() == 0 || st.uid() == user.uid()) && (st.mode() & GROUP_OR_OTHER_WRITE) == 0;
    }

    /** sshd compares with realpath(pw_dir) and, when that fails, walks on to "/". */
    private static Optional<Path> realHome(Path home) {
        if (home.toString().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(home.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.describe(Errno.ENOENT);
        }
        if (e instanceof AccessDeniedException) {
            return Errno.describe(Errno.EACCES);
        }
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
    }
}
