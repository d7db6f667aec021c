// Shapes and reads files the way the tests check them: permission strings, mtimes, inodes, owners.
package dev.sftpd.sftp.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;

final class Disk {
    /** An mtime no test run can produce by accident: 2001-02-03 04:05:06 UTC. */
    static final Instant PAST = Instant.parse("2001-02-03T04:05:06Z");

    private Disk() {
    }

    static Path file(Path path, String content, String permissions) throws IOException {
        return file(path, content.getBytes(StandardCharsets.UTF_8), permissions);
    }

    static Path file(Path path, byte[] content, String permissions) throws IOException {
        Files.write(path, content);
        return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    /** Reproducible random content, so a failing transfer can be rerun with the same bytes. */
    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    /** Like ls: "rw-r--r--", of the path itself when it is a symlink. */
    static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    /** Sets the mtime of the path itself, also of a symlink. */
    static void setMtime(Path path, Instant instant) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(instant), null, null);
    }

    static Instant mtime(Path path) throws IOException {
        return Files.getLastModifiedTime(path).toInstant();
    }

    static long inode(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }
}
