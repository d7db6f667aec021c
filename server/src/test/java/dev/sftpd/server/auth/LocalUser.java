// A real account made for one test: its name, home and password, and the key pair its client logs in with.
package dev.sftpd.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** The private key is the client's, in a root-only directory; the account knows nothing of it until authorized. */
record LocalUser(String name, Path home, String password, Path key) {

    /** The public key line of {@link #key()}, for authorized_keys. */
    String publicKeyLine() {
        return Run.read(Path.of(key + ".pub")).strip();
    }

    /** "SHA256:...", as sshd logs a key. */
    String fingerprint() {
        return Keys.fingerprint(Path.of(key + ".pub"));
    }

    /** Replaces ~/.ssh/authorized_keys with these lines. */
    void authorize(String... lines) {
        writeFile(".ssh/authorized_keys", String.join("\n", lines) + "\n");
    }

    /** Writes a file below the home directory as the user would keep it: theirs, mode 0600. */
    void writeFile(String relative, String content) {
        Path file = home.resolve(relative);
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        giveToOwner(file, "rw-------");
    }

    /** Makes {@code path} belong to the home directory's owner and group, with {@code mode} ("rwx------"). */
    void giveToOwner(Path path, String mode) {
        try {
            PosixFileAttributes owner = Files.readAttributes(home, PosixFileAttributes.class);
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(owner.owner());
            view.setGroup(owner.group());
            view.setPermissions(PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException("giving " + path + " to " + name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
