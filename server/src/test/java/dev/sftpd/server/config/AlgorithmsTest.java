// Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms: MINA's defaults and OpenSSH's list, +list, -list and ^list.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlgorithmsTest {
    private static final List<String> DEFAULT_CIPHERS = List.of("chacha20-poly1305@openssh.com", "aes128-ctr",
            "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com");

    @TempDir
    Path dir;

    @Test
    void withoutTheKeywordsMinasServerDefaultsApply() throws Exception {
        Config c = parse(dir);
        assertEquals(DEFAULT_CIPHERS, c.ciphers());
        assertEquals(List.of("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
                "hmac-sha1-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"), c.macs());
        assertTrue(c.kexAlgorithms().contains("curve25519-sha256"));
        assertTrue(c.hostKeyAlgorithms().contains("ssh-ed25519"));
        assertTrue(c.hostKeyAlgorithms().contains("rsa-sha2-512"));
    }

    @Test
    void aPlainListReplacesTheDefaultsInItsOrder() throws Exception {
        assertEquals(List.of("aes256-ctr", "aes128-ctr"), parse(dir, "Ciphers aes256-ctr,aes128-ctr").ciphers());
    }

    @Test
    void plusAppendsToTheDefaults() throws Exception {
        List<String> expected = new ArrayList<>(DEFAULT_CIPHERS);
        expected.add("aes128-cbc");
        assertEquals(expected, parse(dir, "Ciphers +aes128-cbc,aes128-ctr").ciphers());
    }

    @Test
    void minusRemovesWhatItsPatternsMatch() throws Exception {
        assertEquals(List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"),
                parse(dir, "Ciphers -aes*-ctr").ciphers());
        assertEquals(DEFAULT_CIPHERS.subList(1, DEFAULT_CIPHERS.size()),
                parse(dir, "Ciphers -chacha20-poly1305@openssh.com,no-such-cipher").ciphers());
    }

    @Test
    void caretPutsTheListFirst() throws Exception {
        assertEquals(List.of("aes256-gcm@openssh.com", "aes128-cbc", "chacha20-poly1305@openssh.com",
                "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com"),
                parse(dir, "Ciphers ^aes256-gcm@openssh.com,aes128-cbc").ciphers());
    }

    /**
     * A dump is the monitor's own configuration, every name in it checked when the monitor read
     * its files; a transport takes its lists as written (finding out what the JVM supports loads
     * JCE providers in every transport), while the same line in a file is checked.
     */
    @Test
    void aDumpsListsAreTakenAsTheMonitorWroteThem() throws Exception {
        String dump = parse(dir).dump().replaceFirst("(?m)^ciphers .*$", "ciphers aes256-ctr,rot13");
        assertEquals(List.of("aes256-ctr", "rot13"), ConfigParser.parseDump(dump).ciphers());
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec 'aes256-ctr,rot13': unsupported algorithm \"rot13\"",
                error(dir, "Ciphers aes256-ctr,rot13"));
    }

    @Test
    void anUnsupportedAlgorithmIsNamed() {
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec 'aes128-ctr,rot13': unsupported algorithm \"rot13\"",
                error(dir, "Ciphers aes128-ctr,rot13"));
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec '^rot13': unsupported algorithm \"rot13\"",
                error(dir, "Ciphers ^rot13"));
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec '+aes128-ctr,': unsupported algorithm \"\"",
                error(dir, "Ciphers +aes128-ctr,"));
    }

    @Test
    void theNoneCipherIsNeverAccepted() {
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec 'none': unsupported algorithm \"none\"",
                error(dir, "Ciphers none"));
    }

    @Test
    void removingEveryAlgorithmIsAnError() {
        assertEquals(at(dir, 1) + ": Bad SSH2 cipher spec '-*': no algorithm left", error(dir, "Ciphers -*"));
    }

    @Test
    void aListIsOneArgument() {
        assertEquals(at(dir, 1) + ": keyword Ciphers extra arguments at end of line",
                error(dir, "Ciphers aes128-ctr, aes256-ctr"));
    }

    @Test
    void macsKexAndHostKeyAlgorithmsReadTheSameWay() throws Exception {
        Config c = parse(dir, "MACs hmac-sha2-512", "KexAlgorithms ^curve25519-sha256",
                "HostKeyAlgorithms -ssh-rsa*,*cert*");
        assertEquals(List.of("hmac-sha2-512"), c.macs());
        assertEquals("curve25519-sha256", c.kexAlgorithms().get(0));
        assertTrue(c.hostKeyAlgorithms().stream().noneMatch(a -> a.startsWith("ssh-rsa") || a.contains("cert")));
        assertTrue(c.hostKeyAlgorithms().contains("rsa-sha2-256"));
    }

    @Test
    void eachFamilyNamesItsBadListAsSshdDoes() {
        assertEquals(at(dir, 1) + ": Bad SSH2 mac spec 'umac-64@openssh.com': unsupported algorithm "
                + "\"umac-64@openssh.com\"", error(dir, "MACs umac-64@openssh.com"));
        assertEquals(at(dir, 1) + ": Bad SSH2 KexAlgorithms '+foo': unsupported algorithm \"foo\"",
                error(dir, "KexAlgorithms +foo"));
        assertEquals(at(dir, 1) + ": Bad key types 'ssh-ed448': unsupported algorithm \"ssh-ed448\"",
                error(dir, "HostKeyAlgorithms ssh-ed448"));
    }
}
