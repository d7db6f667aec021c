// Specifies which authorized_keys entry lets a key in, on real files laid out like a home directory.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Root;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysTest {
    private static final String CLIENT = "192.0.2.10";
    private static final int OTHER_UID = 54321;

    @TempDir
    static Path keyDir;
    static SshKeys ed25519;
    static SshKeys otherEd25519;
    static SshKeys rsa;
    static SshKeys ecdsa;

    @TempDir
    Path root;
    Path home;
    Path ssh;
    Path authorizedKeys;
    Account alice;

    @BeforeAll
    static void generateKeys() throws Exception {
        ed25519 = SshKeys.generate(keyDir, "ed25519", "-t", "ed25519");
        otherEd25519 = SshKeys.generate(keyDir, "other", "-t", "ed25519");
        rsa = SshKeys.generate(keyDir, "rsa", "-t", "rsa", "-b", "2048");
        ecdsa = SshKeys.generate(keyDir, "ecdsa", "-t", "ecdsa", "-b", "384");
    }

    @BeforeEach
    void layOutHome() throws IOException {
        home = Files.createDirectories(root.resolve("home/alice"));
        ssh = Files.createDirectory(home.resolve(".ssh"));
        chmod(root.resolve("home"), "rwxr-xr-x");
        chmod(home, "rwxr-xr-x");
        chmod(ssh, "rwx------");
        authorizedKeys = ssh.resolve("authorized_keys");
        int uid = (int) Files.getAttribute(root, "unix:uid");
        alice = new Account("alice", uid, uid, home, Path.of("/bin/sh"));
    }

    @Test
    void findsTheMatchingKey() throws IOException {
        write(authorizedKeys, otherEd25519.line(), ed25519.line());
        assertTrue(find(ed25519.key()).isPresent());
    }

    @Test
    void findsRsaAndEcdsaKeys() throws IOException {
        write(authorizedKeys, rsa.line(), ecdsa.line());
        assertTrue(find(rsa.key()).isPresent());
        assertTrue(find(ecdsa.key()).isPresent());
    }

    @Test
    void logsTheAcceptedKeyAsSshdDoes() throws IOException {
        write(authorizedKeys, "# alice's keys", ed25519.line());
        try (LogCapture log = new LogCapture()) {
            find(ed25519.key());
            String fp = Keys.fingerprint(ed25519.key());
            assertTrue(log.text().contains("debug1: trying public key file " + authorizedKeys + "\r\n"), log.text());
            assertTrue(log.text().contains("Accepted key ED25519 " + fp + " found at " + authorizedKeys + ":2\r\n"),
                    log.text());
        }
    }

    @Test
    void doesNotFindADifferentKey() throws IOException {
        write(authorizedKeys, otherEd25519.line(), rsa.line());
        assertTrue(find(ed25519.key()).isEmpty());
    }

    @Test
    void usesTheSecondFileWhenTheFirstLacksTheKey() throws IOException {
        Path second = ssh.resolve("authorized_keys2");
        write(authorizedKeys, otherEd25519.line());
        write(second, ed25519.line());
        assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys, second), ed25519.key(), ip(CLIENT), true)
                .isPresent());
    }

    @Test
    void skipsAFileThatDoesNotExistWithADebugLine() throws IOException {
        Path second = ssh.resolve("authorized_keys2");
        write(second, ed25519.line());
        try (LogCapture log = new LogCapture()) {
            assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys, second), ed25519.key(), ip(CLIENT), true)
                    .isPresent());
            assertTrue(log.text().contains("debug1: Could not open user 'alice' authorized keys '" + authorizedKeys
                    + "': No such file or directory\r\n"), log.text());
        }
    }

    @Test
    void skipsCommentedAndMalformedLines() throws IOException {
        String base64 = ed25519.line().split(" ")[1];
        write(authorizedKeys,
                "#" + ed25519.line(),
                "   # " + ed25519.line(),
                "",
                "this is not a key",
                "ssh-ed25519 !!!notbase64!!!",
                "ssh-rsa " + base64 + " type does not match the blob",
                "command=\"unterminated " + ed25519.line(),
                "bogus-option " + ed25519.line(),
                "ssh-ed25519 " + base64.substring(0, 40));
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains("invalid key option string at " + authorizedKeys + ":7\r\n"), log.text());
            assertTrue(log.text().contains("debug1: " + authorizedKeys + ":8: bad key options: unknown key option\r\n"),
                    log.text());
        }
        Files.writeString(authorizedKeys, "\t" + ed25519.line() + "\r\n", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(find(ed25519.key()).isPresent(), "a valid line after the broken ones, with CRLF and indent");
    }

    @Test
    void readsALastLineWithoutNewline() throws IOException {
        Files.writeString(authorizedKeys, otherEd25519.line() + "\n" + ed25519.line());
        chmod(authorizedKeys, "rw-------");
        assertTrue(find(ed25519.key()).isPresent());
    }

    @Test
    void returnsTheOptionsOfTheMatchingLineWithQuotedCommasAndQuotes() throws IOException {
        write(authorizedKeys, "command=\"echo \\\"a,b\\\" c\",from=\"192.0.2.*,198.51.100.0/24\",no-pty,"
                + "environment=\"LANG=C\",No-Agent-Forwarding " + ed25519.line());
        KeyOptions options = find(ed25519.key()).orElseThrow();
        assertEquals(Optional.of("echo \"a,b\" c"), options.command());
        assertEquals(List.of("192.0.2.*", "198.51.100.0/24"), options.from());
        assertEquals(List.of("LANG=C"), options.environment());
        assertTrue(options.noPty());
        assertTrue(options.noAgentForwarding());
        assertFalse(options.noPortForwarding());
        assertFalse(options.restrict());
    }

    @Test
    void refusesAKeyFromAnAddressOutsideFromAndLogsIt() throws IOException {
        write(authorizedKeys, "from=\"198.51.100.0/24\" " + ed25519.line());
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains(authorizedKeys + ":1: Authentication tried for alice with correct key "
                    + "but not from a permitted host (host=192.0.2.10, ip=192.0.2.10, required=198.51.100.0/24).\r\n"),
                    log.text());
            assertTrue(log.text().contains("Refused by key options at " + authorizedKeys + ":1\r\n"), log.text());
        }
        assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys), ed25519.key(), ip("198.51.100.7"), true)
                .isPresent());
    }

    @Test
    void matchesFromPatternsAgainstIpv6ClientsToo() throws IOException {
        write(authorizedKeys, "from=\"2001:db8::/32,!2001:db8::bad\" " + ed25519.line());
        assertTrue(findFrom("2001:db8:1::5").isPresent());
        assertTrue(findFrom("2001:db8::bad").isEmpty());
        assertTrue(findFrom("2001:db9::1").isEmpty());
    }

    @Test
    void refusesEveryoneWhenFromHasAnInconsistentNetwork() throws IOException {
        write(authorizedKeys, "from=\"192.0.2.10/24\" " + ed25519.line());
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains("debug1: " + authorizedKeys + ":1: invalid from criteria\r\n"), log.text());
        }
    }

    @Test
    void aLaterLineForTheSameKeyMayAllowWhatAnEarlierOneRefused() throws IOException {
        write(authorizedKeys, "from=\"203.0.113.1\" " + ed25519.line(), "restrict " + ed25519.line());
        assertTrue(find(ed25519.key()).orElseThrow().restrict());
    }

    @Test
    void refusesAnExpiredEntryAndAcceptsOneNotYetExpired() throws IOException {
        write(authorizedKeys, "expiry-time=\"20000101\" " + ed25519.line());
        assertTrue(find(ed25519.key()).isEmpty());
        write(authorizedKeys, "expiry-time=\"29991231235959Z\" " + ed25519.line());
        assertTrue(find(ed25519.key()).isPresent());
    }

    @Test
    void aCertAuthorityLineNeverMatchesAPlainKey() throws IOException {
        write(authorizedKeys, "cert-authority " + ed25519.line());
        assertTrue(find(ed25519.key()).isEmpty());
    }

    @Test
    void refusesPrincipalsOnAPlainKey() throws IOException {
        write(authorizedKeys, "principals=\"alice\" " + ed25519.line());
        assertTrue(find(ed25519.key()).isEmpty());
    }

    @Test
    void refusesAGroupWritableFileUnderStrictModesOnly() throws IOException {
        write(authorizedKeys, ed25519.line());
        chmod(authorizedKeys, "rw--w----");
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains("Authentication refused: bad ownership or modes for file "
                    + authorizedKeys.toRealPath() + "\r\n"), log.text());
        }
        assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys), ed25519.key(), ip(CLIENT), false).isPresent());
    }

    @Test
    void refusesAWorldWritableSshDirectory() throws IOException {
        write(authorizedKeys, ed25519.line());
        chmod(ssh, "rwxrwxrwx");
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains("Authentication refused: bad ownership or modes for directory "
                    + ssh.toRealPath() + "\r\n"), log.text());
        }
        assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys), ed25519.key(), ip(CLIENT), false).isPresent());
    }

    @Test
    void checksTheHomeDirectoryItself() throws IOException {
        write(authorizedKeys, ed25519.line());
        chmod(home, "rwxrwxr-x");
        assertTrue(find(ed25519.key()).isEmpty());
    }

    @Test
    void stopsCheckingAtTheHomeDirectory() throws IOException {
        write(authorizedKeys, ed25519.line());
        chmod(root.resolve("home"), "rwxrwxrwx");
        assertTrue(find(ed25519.key()).isPresent(), "directories above home are not the user's to secure");
    }

    @Test
    void refusesAFileOwnedByAnotherUser() throws IOException {
        Root.assume("gives a file to another uid; run the tests as root to cover this");
        write(authorizedKeys, ed25519.line());
        Files.setAttribute(authorizedKeys, "unix:uid", OTHER_UID);
        assertTrue(find(ed25519.key()).isEmpty());
        Account owner = new Account("bob", OTHER_UID, OTHER_UID, home, Path.of("/bin/sh"));
        // The file is opened with bob's access: he must be able to pass through the directories.
        chmod(root, "rwxr-xr-x");
        chmod(ssh, "rwxr-xr-x");
        assertTrue(AuthorizedKeys.find(owner, List.of(authorizedKeys), ed25519.key(), ip(CLIENT), true).isPresent(),
                "the account's own file, in root-owned directories");
    }

    @Test
    void resolvesASymlinkedFileAndChecksWhereItReallyIs() throws IOException {
        Path keys = Files.createDirectory(home.resolve("keys"));
        chmod(keys, "rwxr-xr-x");
        write(keys.resolve("mine"), ed25519.line());
        Files.createSymbolicLink(authorizedKeys, keys.resolve("mine"));
        assertTrue(find(ed25519.key()).isPresent());

        Path shared = Files.createDirectory(root.resolve("shared"));
        chmod(shared, "rwxrwxrwx");
        write(shared.resolve("keys"), ed25519.line());
        Files.delete(authorizedKeys);
        Files.createSymbolicLink(authorizedKeys, shared.resolve("keys"));
        try (LogCapture log = new LogCapture()) {
            assertTrue(find(ed25519.key()).isEmpty());
            assertTrue(log.text().contains("bad ownership or modes for directory " + shared.toRealPath() + "\r\n"),
                    log.text());
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void neverBlocksOnAFifoInPlaceOfTheFile() throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", authorizedKeys.toString()).start().waitFor());
        try (LogCapture log = new LogCapture()) {
            assertTrue(AuthorizedKeys.find(alice, List.of(authorizedKeys), ed25519.key(), ip(CLIENT), false).isEmpty());
            assertTrue(log.text().contains("User 'alice' authorized keys '" + authorizedKeys
                    + "' is not a regular file\r\n"), log.text());
        }
    }

    private Optional<KeyOptions> find(PublicKey key) {
        return AuthorizedKeys.find(alice, List.of(authorizedKeys), key, ip(CLIENT), true);
    }

    private Optional<KeyOptions> findFrom(String client) {
        return AuthorizedKeys.find(alice, List.of(authorizedKeys), ed25519.key(), ip(client), true);
    }

    private static Client ip(String literal) {
        try {
            return Client.of(InetAddress.getByName(literal));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
        chmod(file, "rw-------");
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
