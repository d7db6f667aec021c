// Match blocks and Include as sshd reads them: criteria, which keywords a block may set, and which block wins.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchTest {
    @TempDir
    Path dir;

    /** Groups the tests' users are in: alice in sftponly and staff, bob in staff. */
    private static final Map<String, List<String>> GROUPS = Map.of("alice", List.of("alice", "sftponly", "staff"),
            "bob", List.of("bob", "staff"));

    @Test
    void aMatchUserBlockOverridesTheGlobalValueForThatUserOnly() throws Exception {
        Configuration c = read("PasswordAuthentication yes", "Match User alice", "PasswordAuthentication no");

        assertFalse(c.forConnection(spec("user=alice")).passwordAuthentication());
        assertTrue(c.forConnection(spec("user=bob")).passwordAuthentication());
        assertTrue(c.global().passwordAuthentication(), "the daemon itself runs on the global settings");
    }

    @Test
    void theFirstMatchingBlockToSetAKeywordWinsOverLaterOnes() throws Exception {
        Configuration c = read("MaxSessions 10", "Match User a*", "MaxSessions 3", "Match all", "MaxSessions 5",
                "MaxAuthTries 2");

        Config alice = c.forConnection(spec("user=alice"));
        assertEquals(3, alice.maxSessions());
        assertEquals(2, alice.maxAuthTries(), "a later block still sets what the first did not");
        assertEquals(5, c.forConnection(spec("user=bob")).maxSessions());
    }

    @Test
    void repeatedKeywordsOfMatchingBlocksAddUpAndReplaceTheGlobalLines() throws Exception {
        Configuration c = read("AllowUsers root", "Match Group staff", "AllowUsers alice", "AllowUsers bob",
                "Match User alice", "AllowUsers carol");

        assertEquals(List.of("alice", "bob", "carol"), c.forConnection(spec("user=alice")).accessRules().allowUsers());
        assertEquals(List.of("alice", "bob"), c.forConnection(spec("user=bob")).accessRules().allowUsers());
        assertEquals(List.of("root"), c.forConnection(spec("user=carol")).accessRules().allowUsers());
    }

    @Test
    void everyCriterionOnALineMustMatch() throws Exception {
        Configuration c = read("Match User alice Address 10.0.0.0/8", "MaxSessions 1");

        assertEquals(1, c.forConnection(spec("user=alice,addr=10.1.2.3")).maxSessions());
        assertEquals(10, c.forConnection(spec("user=alice,addr=192.168.1.1")).maxSessions());
        assertEquals(10, c.forConnection(spec("user=bob,addr=10.1.2.3")).maxSessions());
    }

    @Test
    void userAndGroupListsTakeWildcardsAndNegation() throws Exception {
        Configuration users = read("Match User *,!root,!bob", "MaxSessions 1");
        assertEquals(1, users.forConnection(spec("user=alice")).maxSessions());
        assertEquals(10, users.forConnection(spec("user=bob")).maxSessions());
        assertEquals(10, users.forConnection(spec("user=root")).maxSessions());

        Configuration groups = read("Match Group sftp*", "MaxSessions 2");
        assertEquals(2, groups.forConnection(spec("user=alice")).maxSessions());
        assertEquals(10, groups.forConnection(spec("user=bob")).maxSessions());

        Configuration notSftp = read("Match Group staff,!sftponly", "MaxSessions 3");
        assertEquals(10, notSftp.forConnection(spec("user=alice")).maxSessions(), "a negated group wins");
        assertEquals(3, notSftp.forConnection(spec("user=bob")).maxSessions());
    }

    @Test
    void addressesMatchByCidrWildcardAndNegation() throws Exception {
        Configuration c = read("Match Address 10.0.0.0/8,!10.6.0.0/16,192.168.1.*,::1", "MaxSessions 1");

        assertEquals(1, c.forConnection(spec("addr=10.1.2.3")).maxSessions());
        assertEquals(10, c.forConnection(spec("addr=10.6.6.6")).maxSessions());
        assertEquals(1, c.forConnection(spec("addr=192.168.1.77")).maxSessions());
        assertEquals(1, c.forConnection(spec("addr=::1")).maxSessions());
        assertEquals(10, c.forConnection(spec("addr=172.16.0.1")).maxSessions());
    }

    @Test
    void hostLocalAddressLocalPortAndRDomain() throws Exception {
        Configuration c = read("Match Host 127.0.0.*", "MaxSessions 1", "Match LocalAddress 127.0.0.2",
                "MaxAuthTries 1", "Match LocalPort 2222", "LogLevel DEBUG1", "Match RDomain vrf-*",
                "PasswordAuthentication no");

        Config matched = c.forConnection(spec("host=127.0.0.9,laddr=127.0.0.2,lport=2222,rdomain=vrf-blue"));
        assertEquals(1, matched.maxSessions());
        assertEquals(1, matched.maxAuthTries());
        assertEquals(dev.sftpd.log.LogLevel.DEBUG1, matched.logLevel());
        assertFalse(matched.passwordAuthentication());
        Config other = c.forConnection(spec("host=10.0.0.1,laddr=127.0.0.1,lport=22"));
        assertEquals(10, other.maxSessions());
        assertEquals(6, other.maxAuthTries());
        assertTrue(other.passwordAuthentication(), "no routing domain matches none");
    }

    /** As sshd -T -C: a criterion on something the specification leaves out does not match. */
    @Test
    void aCriterionOnAFieldTheSpecificationLacksDoesNotMatch() throws Exception {
        Configuration c = read("Match Address 127.0.0.1", "MaxSessions 1");

        assertEquals(10, c.forConnection(spec("user=alice")).maxSessions());
    }

    @Test
    void aKeywordSshdDoesNotAllowInMatchIsAnErrorWithItsLine() {
        assertEquals(at(dir, 3) + ": Directive 'Port' is not allowed within a Match block",
                error(dir, "Port 22", "Match User alice", "Port 2222"));
    }

    @Test
    void badMatchLinesAreErrorsInSshdsWords() {
        assertEquals(at(dir, 1) + ": One or more attributes required for Match", error(dir, "Match"));
        assertEquals(at(dir, 1) + ": Unsupported Match attribute Colour", error(dir, "Match Colour blue"));
        assertEquals(at(dir, 1) + ": Missing Match criteria for User", error(dir, "Match User"));
        assertEquals(at(dir, 1) + ": 'all' cannot be combined with other Match attributes",
                error(dir, "Match all User alice"));
        assertEquals(at(dir, 1) + ": Invalid LocalPort 'ssh' on Match line", error(dir, "Match LocalPort ssh"));
        assertEquals(at(dir, 1) + ": Invalid Match Address list \"10.0.0.1/8\"", error(dir, "Match Address 10.0.0.1/8"));
    }

    @Test
    void includeReadsGlobbedFilesInSortedOrderAsIfTheirLinesStoodThere() throws Exception {
        Path d = Files.createDirectories(dir.resolve("sftpd_config.d"));
        Files.writeString(d.resolve("20-later.conf"), "MaxSessions 7\nMaxAuthTries 4\n");
        Files.writeString(d.resolve("10-first.conf"), "MaxSessions 3\n");
        Files.writeString(d.resolve("ignored.txt"), "MaxAuthTries 1\n");

        Config c = read("Include " + d + "/*.conf", "MaxSessions 9").global();

        assertEquals(3, c.maxSessions(), "10-first.conf is read first, and the first value wins");
        assertEquals(4, c.maxAuthTries());
    }

    @Test
    void anIncludeMatchingNothingIsNoError() throws Exception {
        assertEquals(10, read("Include " + dir + "/none/*.conf", "Include " + dir + "/missing.conf")
                .global().maxSessions());
    }

    @Test
    void anIncludeInsideMatchIsConditionalAndAMatchInAnIncludedFileEndsWithIt() throws Exception {
        Path inner = dir.resolve("inner.conf");
        Files.writeString(inner, "MaxSessions 2\nMatch User bob\nMaxAuthTries 1\n");

        Configuration c = read("Match User alice", "Include " + inner, "PasswordAuthentication no");

        Config alice = c.forConnection(spec("user=alice"));
        assertEquals(2, alice.maxSessions());
        assertFalse(alice.passwordAuthentication(), "after the include, alice's block goes on");
        assertEquals(6, alice.maxAuthTries());
        Config bob = c.forConnection(spec("user=bob"));
        assertEquals(10, bob.maxSessions());
        assertTrue(bob.passwordAuthentication());
        assertEquals(1, bob.maxAuthTries());
    }

    @Test
    void anErrorInAnIncludedFileNamesThatFileAndLine() throws Exception {
        Path inner = dir.resolve("inner.conf");
        Files.writeString(inner, "\nMaxSessions many\n");

        String message = error(dir, "Include " + inner);

        assertTrue(message.startsWith(inner + " line 2: "), message);
    }

    @Test
    void anIncludeOfADeviceOrADirectoryIsAnError() {
        assertEquals(at(dir, 1) + ": Include /dev/zero: not a regular file", error(dir, "Include /dev/zero"));
        assertEquals(at(dir, 1) + ": Include " + dir + ": not a regular file", error(dir, "Include " + dir));
    }

    @Test
    void anIncludeLoopIsStoppedWithAnError() throws Exception {
        Path loop = dir.resolve("loop.conf");
        Files.writeString(loop, "Include " + loop + "\n");

        assertTrue(error(dir, "Include " + loop).contains("Too many recursive configuration includes"));
    }

    @Test
    void aTestSpecificationIsParsedAsSshdParsesIt() {
        ConnectionSpec s = spec("user=alice,host=h.example,addr=10.0.0.1,laddr=::1,lport=22,rdomain=r");
        assertEquals(Optional.of("alice"), s.user());
        assertEquals(GROUPS.get("alice"), s.groups());
        assertEquals(Optional.of("h.example"), s.host());
        assertEquals(OptionalInt.of(22), s.localPort());
        assertEquals(Optional.of(ip("::1")), s.localAddress());
        for (String bad : List.of("colour=blue", "user", "lport=0", "addr=host.example")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(bad));
            assertTrue(e.getMessage().startsWith("Invalid test mode specification "), e.getMessage());
        }
    }

    private Configuration read(String... lines) throws Exception {
        return ConfigParser.read(write(dir, lines), true, List.of(), List.of(), List.of());
    }

    private static ConnectionSpec spec(String text) {
        return ConnectionSpec.parse(text, user -> GROUPS.getOrDefault(user, List.of()));
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
