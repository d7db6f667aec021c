// A real account made for a test: its ids as the kernel sees them, its home, and the key it logs in with.
package dev.sftpd.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

record SystemUser(String name, int uid, int gid, Set<Integer> groups, Path home, Path key) {

    Path authorizedKeys() {
        return home.resolve(".ssh/authorized_keys");
    }

    /** The public key line of {@link #key()}, for authorized_keys. */
    String publicKey() {
        return read(Path.of(key + ".pub")).strip();
    }

    /** "SHA256:...", as sshd logs it. */
    String fingerprint() {
        return Run.checked("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").stdout().split("\\s+")[1];
    }

    /** Replaces authorized_keys with these lines, owned by the user, with the given mode ("rw-------"). */
    void authorize(String mode, String... lines) {
        Path file = authorizedKeys();
        try {
            Files.writeString(file, String.join("\n", lines) + "\n");
            own(file, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a file in the home directory as if the user had made it. */
    Path createFile(String name, String content, String mode) {
        Path file = home.resolve(name);
        try {
            Files.writeString(file, content);
            own(file, PosixFilePermissions.fromString(mode));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void own(Path path, Set<PosixFilePermission> mode) throws IOException {
        Files.setAttribute(path, "unix:uid", uid);
        Files.setAttribute(path, "unix:gid", gid);
        Files.setPosixFilePermissions(path, mode);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
