// Specifies account lookup (getpwnam) and sshd's shell check that runs before any key is tried.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountTest {
    @TempDir
    Path dir;

    @Test
    void looksUpRoot() {
        Account root = Account.lookup("root").orElseThrow();
        assertEquals("root", root.name());
        assertEquals(0, root.uid());
        assertEquals(0, root.gid());
        assertEquals(Path.of("/root"), root.home());
    }

    @Test
    void findsNoMissingUser() {
        assertEquals(Optional.empty(), Account.lookup("no-such-user-sftpd-test"));
        assertEquals(Optional.empty(), Account.lookup(""));
    }

    @Test
    void aNameWithNulNeverResolvesToTheAccountBeforeIt() {
        assertEquals(Optional.empty(), Account.lookup("root\0evil"));
    }

    @Test
    void refusesAUserWhoseShellDoesNotExist() {
        Account bob = account(dir.resolve("no-such-shell"));
        try (LogCapture log = new LogCapture()) {
            String expected = "User bob not allowed because shell " + dir.resolve("no-such-shell") + " does not exist";
            assertEquals(Optional.of(expected), AllowedUser.refusal(bob));
            assertTrue(log.text().contains(expected + "\r\n"), log.text());
        }
    }

    @Test
    void refusesAUserWhoseShellIsNotExecutable() throws IOException {
        Path shell = Files.createFile(dir.resolve("shell"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r--r--")));
        assertEquals(Optional.of("User bob not allowed because shell " + shell + " is not executable"),
                AllowedUser.refusal(account(shell)));
        assertEquals(Optional.of("User bob not allowed because shell " + dir + " is not executable"),
                AllowedUser.refusal(account(dir)), "a directory is no shell");
    }

    @Test
    void allowsNologinAndTheDefaultShell() {
        assertEquals(Optional.empty(), AllowedUser.refusal(account(Path.of("/usr/sbin/nologin"))));
        assertEquals(Optional.empty(), AllowedUser.refusal(account(Path.of(""))), "empty means /bin/sh");
    }

    private static Account account(Path shell) {
        return new Account("bob", 1000, 1000, Path.of("/home/bob"), shell);
    }
}
