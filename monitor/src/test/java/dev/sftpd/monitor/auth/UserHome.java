// A home directory laid out as sshd's StrictModes wants it, for tests of files a user keeps in ~/.ssh.
package dev.sftpd.monitor.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** {@code user} is "alice" with the test's own uid, so that her files pass StrictModes' ownership check. */
record UserHome(Account user, Path ssh, Path authorizedKeys) {
    /** root/home/alice/.ssh, every directory writable by its owner only. */
    static UserHome layOut(Path root) throws IOException {
        Path home = Files.createDirectories(root.resolve("home/alice"));
        Path ssh = Files.createDirectory(home.resolve(".ssh"));
        chmod(root.resolve("home"), "rwxr-xr-x");
        chmod(home, "rwxr-xr-x");
        chmod(ssh, "rwx------");
        int uid = (int) Files.getAttribute(root, "unix:uid");
        return new UserHome(new Account("alice", uid, uid, home, Path.of("/bin/sh")), ssh, ssh.resolve("authorized_keys"));
    }

    /** Writes {@code lines} as the user would, readable by her alone. */
    static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        chmod(file, "rw-------");
    }

    static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
