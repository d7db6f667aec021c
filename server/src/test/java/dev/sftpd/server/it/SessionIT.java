// SFTP sessions as two users: each works under its own uid and gid, with the configured umask, and reads nothing it may not.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("Subsystem sftp internal-sftp -u 027");

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"alice", "bob"})
    void anUploadIsOwnedByTheUserWithTheUmaskApplied(String role) throws IOException {
        SystemUser user = sftpd.user(role);
        Path local = Files.writeString(sftpd.dir().resolve(role + "-upload"), "uploaded by " + user);
        Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-rw-rw-"));

        sftpd.clients().sftp(user, "put " + local + " uploaded").assertExit(0);

        Path remote = user.home().resolve("uploaded");
        assertEquals("uploaded by " + user, Files.readString(remote));
        assertOwnedBy(user, remote);
        assertEquals("rw-r-----", mode(remote), "0666 under umask 027");
    }

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"alice", "bob"})
    void aDownloadHasTheFilesContent(String role) throws IOException {
        SystemUser user = sftpd.user(role);
        user.createFile("to-download", "private to " + user, "rw-------");
        Path local = sftpd.dir().resolve(role + "-downloaded");

        sftpd.clients().sftp(user, "get to-download " + local).assertExit(0);

        assertEquals("private to " + user, Files.readString(local));
    }

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"alice", "bob"})
    void aRenameMovesTheFile(String role) throws IOException {
        SystemUser user = sftpd.user(role);
        user.createFile("before-rename", "renamed by " + user, "rw-------");

        sftpd.clients().sftp(user, "rename before-rename after-rename").assertExit(0);

        assertFalse(Files.exists(user.home().resolve("before-rename")));
        assertEquals("renamed by " + user, Files.readString(user.home().resolve("after-rename")));
    }

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"alice", "bob"})
    void aRemoveDeletesTheFile(String role) {
        SystemUser user = sftpd.user(role);
        Path file = user.createFile("to-remove", "", "rw-------");

        sftpd.clients().sftp(user, "rm to-remove").assertExit(0);

        assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest(name = "as {0}")
    @ValueSource(strings = {"alice", "bob"})
    void aNewDirectoryIsOwnedByTheUserWithTheUmaskApplied(String role) throws IOException {
        SystemUser user = sftpd.user(role);

        sftpd.clients().sftp(user, "mkdir made").assertExit(0);

        Path dir = user.home().resolve("made");
        assertTrue(Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
        assertOwnedBy(user, dir);
        assertEquals("rwxr-x---", mode(dir), "0777 under umask 027");
    }

    @Test
    void aUserCannotReadAnotherUsersPrivateFile() {
        SystemUser bob = sftpd.user("bob");
        Path secret = bob.createFile("secret", "bob's only", "rw-------");
        Path local = sftpd.dir().resolve("stolen-secret");

        sftpd.clients().sftp(sftpd.user("alice"), "get " + secret + " " + local)
                .assertExit(1).assertStderr("Permission denied");

        assertFalse(Files.exists(local));
    }

    @Test
    void aUserCannotReadTheShadowFile() {
        Path local = sftpd.dir().resolve("stolen-shadow");

        sftpd.clients().sftp(sftpd.user("alice"), "get /etc/shadow " + local)
                .assertExit(1).assertStderr("Permission denied");

        assertFalse(Files.exists(local));
    }

    @Test
    void aUserCannotReachTheHostKeys() {
        Path key = sftpd.hostKey();
        Path local = sftpd.dir().resolve("stolen-host-key");

        sftpd.clients().sftp(sftpd.user("alice"), "-ls " + key.getParent(), "get " + key + " " + local)
                .assertExit(1).assertStderr("readdir(\"" + key.getParent() + "/\"): Permission denied");

        assertFalse(Files.exists(local));
        // The client reports the refused lstat as "not found"; the server's log has the real answer.
        sftpd.daemon().awaitLog(Pattern.compile("lstat name \"" + Pattern.quote(key.toString())
                + "\"\\R(.*\\R)?sent status Permission denied"));
    }

    private static void assertOwnedBy(SystemUser user, Path path) throws IOException {
        assertEquals(List.of(user.uid(), user.gid()), List.of(
                Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)), "uid and gid of " + path);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
