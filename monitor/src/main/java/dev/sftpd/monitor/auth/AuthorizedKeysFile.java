// sshd's auth_openfile() and its line loop: opens a user's authorized_keys safely and hands over each entry.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file is opened non-blocking so a FIFO planted in its place cannot hang the monitor, then
 * must be a regular file and, under StrictModes, pass {@link StrictModes} on the opened
 * descriptor. A line that is absurdly long for a key entry is skipped rather than buffered.
 */
final class AuthorizedKeysFile {
    private static final SshLog LOG = SshLog.get(AuthorizedKeysFile.class);
    private static final int O_NONBLOCK = 04000;
    private static final int CHUNK = 8192;
    /** Far above any key line (a 16384-bit RSA key is under 3 KiB); bounds the monitor's memory. */
    private static final int MAX_LINE = 1 << 20;

    /** Judges one entry; {@code loc} is "file:line" for log lines, as sshd words them. */
    interface Entry<T> {
        Optional<T> check(String loc, String line);
    }

    private AuthorizedKeysFile() {}

    /** The first non-empty answer for the file's entries (blank and comment lines skipped), in order. */
    static <T> Optional<T> scan(Path file, Account user, boolean strict, Entry<T> entry) {
        Posix posix = Posix.get();
        int fd;
        try {
            fd = posix.open(NativePath.bytes(file), Posix.O_RDONLY | O_NONBLOCK, 0);
        } catch (SysCallException e) {
            String line = String.format("Could not open user '%s' authorized keys '%s': %s", user.name(), file, e.reason());
            if (e.errno() == Errno.ENOENT) {
                LOG.debug1("%s", line);
            } else {
                LOG.info("%s", line);
            }
            return Optional.empty();
        }
        try {
            Stat st = posix.fstat(fd);
            if (!st.isRegular()) {
                LOG.info("User '%s' authorized keys '%s' is not a regular file", user.name(), file);
                return Optional.empty();
            }
            if (strict) {
                Optional<String> problem = StrictModes.problem(file, st, user);
                if (problem.isPresent()) {
                    LOG.info("Authentication refused: %s", problem.get());
                    return Optional.empty();
                }
            }
            return lines(posix, fd, file, entry);
        } catch (SysCallException e) {
            LOG.info("Could not read user '%s' authorized keys '%s': %s", user.name(), file, e.reason());
            return Optional.empty();
        } finally {
            try {
                posix.close(fd);
            } catch (SysCallException ignored) {
                // nothing was written; a failed close of a read-only descriptor loses nothing
            }
        }
    }

    private static <T> Optional<T> lines(Posix posix, int fd, Path file, Entry<T> entry) throws SysCallException {
        byte[] chunk = new byte[CHUNK];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean overlong = false;
        long lineNumber = 0;
        long offset = 0;
        for (int n; (n = posix.pread(fd, chunk, 0, chunk.length, offset)) > 0; offset += n) {
            int start = 0;
            for (int i = 0; i <= n; i++) {
                if (i < n && chunk[i] != '\n') {
                    continue;
                }
                int len = i - start;
                if (line.size() + len > MAX_LINE) {
                    overlong = true;
                } else {
                    line.write(chunk, start, len);
                }
                if (i == n) {
                    break;
                }
                lineNumber++;
                Optional<T> answer = entry(file, lineNumber, line, overlong, entry);
                if (answer.isPresent()) {
                    return answer;
                }
                line.reset();
                overlong = false;
                start = i + 1;
            }
        }
        return line.size() > 0 || overlong ? entry(file, lineNumber + 1, line, overlong, entry) : Optional.empty();
    }

    private static <T> Optional<T> entry(Path file, long number, ByteArrayOutputStream bytes, boolean overlong,
                                         Entry<T> entry) {
        String loc = String.format("%.200s:%d", file, number);
        if (overlong) {
            LOG.verbose("%s: line longer than %d bytes skipped", loc, MAX_LINE);
            return Optional.empty();
        }
        String line = bytes.toString(StandardCharsets.UTF_8);
        int start = 0;
        while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        int end = line.endsWith("\r") ? line.length() - 1 : line.length();
        if (start >= end || line.charAt(start) == '#') {
            return Optional.empty();
        }
        return entry.check(loc, line.substring(start, end));
    }
}
