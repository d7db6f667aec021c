// Specifies how the root monitor reads a file whose path a user controls: with the user's access, and only a small regular file.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs as root with a real account, since what matters is what root could read and the user cannot. */
class UserFileTest {
    @TempDir
    static Path rootOnly;
    static SshKeys key;
    static SystemAccounts accounts;
    static Account user;
    static int supplementaryGid;

    Path ssh;
    Path authorizedKeys;

    @BeforeAll
    static void createUser() throws Exception {
        Root.assume("creates a user and files only root may read");
        key = SshKeys.generate(rootOnly, "key", "-t", "ed25519");
        accounts = new SystemAccounts();
        SystemUser systemUser = accounts.newAccount("files", "/bin/sh", "extra");
        supplementaryGid = accounts.gid("extra");
        user = Account.lookup(systemUser.name()).orElseThrow();
    }

    @AfterAll
    static void removeUser() throws Exception {
        if (accounts != null) {
            accounts.close();
        }
    }

    @BeforeEach
    void makeSshDirectory() throws IOException {
        ssh = giveToUser(Files.createDirectory(user.home().resolve(".ssh")));
        UserHome.chmod(ssh, "rwx------");
        authorizedKeys = ssh.resolve("authorized_keys");
    }

    @AfterEach
    void removeSshDirectory() throws IOException, InterruptedException {
        new ProcessBuilder("rm", "-rf", ssh.toString()).start().waitFor();
    }

    @Test
    void readsTheLinesOfTheUsersFile() throws IOException {
        Files.writeString(giveToUser(Files.createFile(authorizedKeys)), "first\r\nsecond\n\nlast");
        assertEquals(Optional.of(List.of("first", "second", "", "last")), readKeys(authorizedKeys));
    }

    @Test
    void aLineWithANulIsBlankedSoThatNoEntryIsReadCutShort() throws IOException {
        Files.writeString(giveToUser(Files.createFile(authorizedKeys)), "first\nfrom=\"10.0.0.0/8\0\" x\nlast\n");
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.of(List.of("first", "", "last")), readKeys(authorizedKeys));
            assertTrue(log.text().contains("User '" + user.name() + "' authorized keys '" + authorizedKeys
                    + "' line 2 holds a NUL byte: ignored"), log.text());
        }
    }

    @Test
    void aKeyLineWithANulDoesNotAuthorizeTheKey() throws IOException {
        Files.writeString(giveToUser(Files.createFile(authorizedKeys)), key.line() + "\0 comment\n");
        assertTrue(findKey().isEmpty());
    }

    @Test
    void refusesAFileOnlyRootMayReadExactlyLikeAMissingOne() throws IOException {
        Path secret = rootOnly.resolve("secret");
        UserHome.write(secret, key.line());
        Files.createSymbolicLink(authorizedKeys, secret);
        assertEquals(readKeys(ssh.resolve("missing")), readKeys(authorizedKeys));
        assertEquals(Optional.empty(), readKeys(authorizedKeys));
    }

    @Test
    void doesNotRevealWhetherARootOnlyFileListsAKey() throws IOException {
        Path secret = rootOnly.resolve("listing");
        UserHome.write(secret, key.line());
        Files.createSymbolicLink(authorizedKeys, secret);
        assertTrue(findKey().isEmpty());
        Files.delete(authorizedKeys);
        giveToUser(Files.copy(secret, authorizedKeys));
        assertTrue(findKey().isPresent(), "the same lines in a file of the user's own");
    }

    @Test
    void readsAFileTheUserReachesThroughItsPrimaryGroup() throws IOException {
        assertEquals(Optional.of(List.of("by group")), readKeys(groupReadable(user.gid())));
    }

    @Test
    void readsAFileTheUserReachesThroughASupplementaryGroup() throws IOException {
        assertEquals(Optional.of(List.of("by group")), readKeys(groupReadable(supplementaryGid)));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void refusesAFifoWithoutWaitingForAWriter() throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", authorizedKeys.toString()).start().waitFor());
        giveToUser(authorizedKeys);
        assertRefusedAsNotRegular(authorizedKeys);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void refusesDevZeroRatherThanReadingForever() throws IOException {
        Files.createSymbolicLink(authorizedKeys, Path.of("/dev/zero"));
        assertRefusedAsNotRegular(authorizedKeys);
    }

    @Test
    void refusesACharacterDevice() throws IOException {
        Files.createSymbolicLink(authorizedKeys, Path.of("/dev/null"));
        assertRefusedAsNotRegular(authorizedKeys);
    }

    @Test
    void refusesAFileLargerThanTheLimitAndLogsWhy() throws IOException {
        sized(UserFile.MAX_SIZE + 1);
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.empty(), readKeys(authorizedKeys));
            assertTrue(log.text().contains("User '" + user.name() + "' authorized keys '" + authorizedKeys
                    + "' is larger than " + UserFile.MAX_SIZE + " bytes\r\n"), log.text());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void refusesASparseFileOfATerabyteWithoutReadingIt() throws IOException {
        sized(1L << 40);
        assertEquals(Optional.empty(), readKeys(authorizedKeys));
    }

    @Test
    void readsAFileOfExactlyTheLimit() throws IOException {
        sized(UserFile.MAX_SIZE);
        assertTrue(readKeys(authorizedKeys).isPresent());
    }

    @Test
    void saysNothingOfAMissingPrincipalsFileAsSshd() {
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.empty(),
                    UserFile.readLines(user, authorizedKeys, UserFile.Kind.AUTHORIZED_PRINCIPALS, true));
            assertFalse(log.text().contains(authorizedKeys.toString()), log.text());
        }
    }

    @Test
    void leavesTheCallingThreadWithRootsIds() throws IOException, InterruptedException {
        List<String> before = credentials();
        Files.writeString(giveToUser(Files.createFile(authorizedKeys)), key.line() + "\n");
        Path fifo = ssh.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        UserHome.write(rootOnly.resolve("private"), "root's");
        for (Path file : List.of(authorizedKeys, fifo, ssh.resolve("missing"), rootOnly.resolve("private"))) {
            readKeys(file);
            assertEquals(before, credentials(), "after reading " + file);
        }
        assertEquals(List.of("Uid:\t0\t0\t0\t0", "Gid:\t0\t0\t0\t0"), before.subList(0, 2));
    }

    // Not specified here: that a tty at the path does not become the monitor's controlling terminal
    // (O_NOCTTY). Only a session leader without one would acquire it, which a test JVM is not.

    /** Without StrictModes, which refuses some of these files on its own: what is specified here is the opening. */
    private static Optional<List<String>> readKeys(Path file) {
        return UserFile.readLines(user, file, UserFile.Kind.AUTHORIZED_KEYS, false);
    }

    private Optional<KeyOptions> findKey() {
        return AuthorizedKeys.find(user, List.of(authorizedKeys), key.key(), Client.of(InetAddress.getLoopbackAddress()), false);
    }

    private static void assertRefusedAsNotRegular(Path file) {
        try (LogCapture log = new LogCapture()) {
            assertEquals(Optional.empty(), readKeys(file));
            assertTrue(log.text().contains("User '" + user.name() + "' authorized keys '" + file
                    + "' is not a regular file\r\n"), log.text());
        }
    }

    /** A root-owned file in the user's .ssh that only members of {@code gid} may read. */
    private Path groupReadable(int gid) throws IOException {
        Path file = ssh.resolve("by-group");
        Files.writeString(file, "by group\n");
        Files.setAttribute(file, "unix:gid", gid);
        UserHome.chmod(file, "r--r-----");
        return file;
    }

    /** authorized_keys of {@code size} bytes, sparse: only its length matters. */
    private void sized(long size) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(authorizedKeys.toFile(), "rw")) {
            file.setLength(size);
        }
        giveToUser(authorizedKeys);
        UserHome.chmod(authorizedKeys, "rw-------");
    }

    private static Path giveToUser(Path file) throws IOException {
        Files.setAttribute(file, "unix:uid", user.uid());
        Files.setAttribute(file, "unix:gid", user.gid());
        return file;
    }

    /** This thread's ids as the kernel holds them: real, effective, saved and file-system; and its groups. */
    private static List<String> credentials() throws IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.ISO_8859_1).stream()
                .filter(line -> line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:"))
                .toList();
    }
}
