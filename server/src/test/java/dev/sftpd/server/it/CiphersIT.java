// Each cipher, MAC and key exchange the daemon offers OpenSSH's client moves a file intact both ways, with the transport's libcrypto.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CiphersIT {
    private static final Pattern LIBCRYPTO = Pattern.compile("ciphers, MACs and X25519 from OpenSSL 3\\.");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("LogLevel DEBUG1");

    /** Every default cipher once; the counter-mode ones with each default MAC, plain and encrypt-then-MAC. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "chacha20-poly1305@openssh.com,",
        "aes128-gcm@openssh.com,",
        "aes256-gcm@openssh.com,",
        "aes128-ctr, hmac-sha2-256-etm@openssh.com",
        "aes128-ctr, hmac-sha2-256",
        "aes192-ctr, hmac-sha2-512-etm@openssh.com",
        "aes192-ctr, hmac-sha2-512",
        "aes256-ctr, hmac-sha1-etm@openssh.com",
        "aes256-ctr, hmac-sha1",
    })
    void aFileGoesUpAndComesBackIntact(String cipher, String mac) throws IOException {
        SystemUser user = sftpd.user("carol");
        String name = (cipher + "-" + mac).replaceAll("[^a-z0-9-]", "_");
        // Spans many packets of every size the client sends and the server's window refills.
        Path original = sftpd.randomFile(name, 3 * 1024 * 1024 + 17);
        Path back = sftpd.dir().resolve(name + ".back");
        List<String> options = new ArrayList<>(List.of("-c", cipher));
        if (mac != null) {
            options.addAll(List.of("-o", "MACs=" + mac));
        }

        sftpd.clients().sftp(user, options, "put " + original + " " + name, "get " + name + " " + back).assertExit(0);

        assertEquals(-1L, Files.mismatch(original, back), "the file came back changed");
        assertEquals(-1L, Files.mismatch(original, user.home().resolve(name)), "the upload differs");
    }

    /**
     * The client offering one key exchange alone: sntrup761x25519 (its first choice; our
     * Sntrup761 and libcrypto's X25519), curve25519 (libcrypto's), and one of MINA's own.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "ecdh-sha2-nistp256"})
    void eachKeyExchangeAgrees(String kex) throws IOException {
        SystemUser user = sftpd.user("erin");
        String name = "kex-" + kex.replaceAll("[^a-z0-9-]", "_");
        Path original = sftpd.randomFile(name, 64 * 1024 + 3);
        Path back = sftpd.dir().resolve(name + ".back");

        sftpd.clients().sftp(user, List.of("-o", "KexAlgorithms=" + kex), "put " + original + " " + name,
                "get " + name + " " + back).assertExit(0);

        assertEquals(-1L, Files.mismatch(original, back), "the file came back changed");
    }

    /** In the jail, under seccomp: a transport that could not load it would log nothing and use MINA's. */
    @Test
    void theTransportLoadsLibcrypto() {
        sftpd.clients().sftp(sftpd.user("dave"), "pwd").assertExit(0);

        assertFalse(sftpd.daemon().logMatches(LIBCRYPTO).isEmpty(), "no transport logged libcrypto's version");
    }
}
