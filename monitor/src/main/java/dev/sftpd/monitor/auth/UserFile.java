// sshd's auth_openfile(): reads a file a user keeps for sshd with the user's access, refused unless a small regular file.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.AsUser;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.privsep.PrivilegeDropException;
import dev.sftpd.sftp.posix.Errno;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The path is the user's to choose, so it is opened as the user ({@link AsUser}): a file only
 * root may read is refused like a missing one, rather than answering whether it lists a key. A
 * FIFO, a device or a tty opens without blocking or becoming the monitor's terminal and is then
 * refused as not a regular file; a regular file above {@link #MAX_SIZE} is refused unread.
 */
public final class UserFile {
    private static final SshLog LOG = SshLog.get(UserFile.class);
    /**
     * sshd's MAX_KEY_FILE_SIZE: room for thousands of key lines, and a bound on what one login
     * attempt costs the monitor when the user offers a sparse file of terabytes.
     */
    static final int MAX_SIZE = 1 << 20;
    private static final int CHUNK = 8192;

    /** What sshd calls each file in its log lines, and whether it mentions one that is missing. */
    public enum Kind {
        AUTHORIZED_KEYS("authorized keys", true),
        AUTHORIZED_PRINCIPALS("authorized principals", false),
        TRUSTED_USER_CA_KEYS("trusted user CA keys", true);

        private final String label;
        private final boolean logMissing;

        Kind(String label, boolean logMissing) {
            this.label = label;
            this.logMissing = logMissing;
        }
    }

    private UserFile() {}

    /**
     * The file's lines, split at LF with a CR before it dropped, or empty when it cannot be
     * read, is no regular file, is too large or, under {@code strictModes}, fails {@link StrictModes}.
     */
    public static Optional<List<String>> readLines(Account user, Path file, Kind kind, boolean strictModes) {
        Optional<Fd> fd = open(user, file, kind);
        if (fd.isEmpty()) {
            return Optional.empty();
        }
        try (Fd opened = fd.get()) {
            Posix posix = Posix.get();
            Stat st = posix.fstat(opened.fd());
            if (!st.isRegular()) {
                LOG.info("User '%s' %s '%s' is not a regular file", user.name(), kind.label, file);
                return Optional.empty();
            }
            if (strictModes) {
                Optional<String> problem = StrictModes.problem(file, st, user);
                if (problem.isPresent()) {
                    LOG.info("Authentication refused: %s", problem.get());
                    return Optional.empty();
                }
            }
            // fstat's size is checked first so that a huge file is not even read, and the read is
            // bounded again because the file may grow in between.
            Optional<byte[]> bytes = st.size() > MAX_SIZE ? Optional.empty() : read(posix, opened.fd());
            if (bytes.isEmpty()) {
                LOG.info("User '%s' %s '%s' is larger than %d bytes", user.name(), kind.label, file, MAX_SIZE);
                return Optional.empty();
            }
            return Optional.of(withoutNul(user, file, kind, lines(new String(bytes.get(), StandardCharsets.UTF_8))));
        } catch (SysCallException e) {
            LOG.info("Could not read user '%s' %s '%s': %s", user.name(), kind.label, file, e.reason());
            return Optional.empty();
        }
    }

    private static Optional<Fd> open(Account user, Path file, Kind kind) {
        try {
            int[] groups = PrivilegeDrop.groupList(user.name(), user.gid());
            return Optional.of(AsUser.open(NativePath.bytes(file), user.uid(), user.gid(), groups));
        } catch (SysCallException e) {
            if (e.errno() != Errno.ENOENT) {
                LOG.info("Could not open user '%s' %s '%s': %s", user.name(), kind.label, file, e.reason());
            } else if (kind.logMissing) {
                LOG.debug1("Could not open user '%s' %s '%s': %s", user.name(), kind.label, file, e.reason());
            }
        } catch (PrivilegeDropException e) {
            LOG.error("Could not open user '%s' %s '%s' as the user: %s", user.name(), kind.label, file, e.getMessage());
        }
        return Optional.empty();
    }

    /** The whole file, or empty when it holds more than {@link #MAX_SIZE} bytes. */
    private static Optional<byte[]> read(Posix posix, int fd) throws SysCallException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        for (int n; (n = posix.pread(fd, chunk, 0, chunk.length, content.size())) > 0; ) {
            content.write(chunk, 0, n);
            if (content.size() > MAX_SIZE) {
                return Optional.empty();
            }
        }
        return Optional.of(content.toByteArray());
    }

    /**
     * A line holding a NUL becomes a blank one (so later lines keep their numbers): sshd's C code
     * would read it only up to the NUL, a different entry from the one in the file.
     */
    private static List<String> withoutNul(Account user, Path file, Kind kind, List<String> lines) {
        List<String> kept = new ArrayList<>(lines);
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).indexOf('\0') >= 0) {
                LOG.info("User '%s' %s '%s' line %d holds a NUL byte: ignored", user.name(), kind.label, file, i + 1);
                kept.set(i, "");
            }
        }
        return kept;
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String[] lines = text.split("\n", -1);
        // A final LF ends the last line rather than starting an empty one.
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        return Arrays.stream(lines, 0, count).map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).toList();
    }
}
