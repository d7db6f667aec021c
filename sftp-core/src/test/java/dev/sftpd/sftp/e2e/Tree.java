// A snapshot of a directory tree, compared before and after a refused request to prove nothing changed.
package dev.sftpd.sftp.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Per relative path: type, mode, owner, group, size, mtime, and the SHA-256 of a file or a symlink's target. */
record Tree(SortedMap<String, String> entries) {

    static Tree of(Path root) throws IOException {
        SortedMap<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> entries.put("/" + root.relativize(path), describe(path)));
        }
        return new Tree(entries);
    }

    private static String describe(Path path) {
        try {
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String content = a.isRegularFile() ? sha256(Files.readAllBytes(path))
                    : a.isSymbolicLink() ? "-> " + Files.readSymbolicLink(path) : "";
            String type = a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : a.isRegularFile() ? "-" : "?";
            return String.join(" ", type + PosixFilePermissions.toString(a.permissions()), a.owner().getName(),
                    a.group().getName(), Long.toString(a.size()), a.lastModifiedTime().toString(), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
