// Fuzz target: authorized_keys lines, their options, and the checks those options make against a client.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The input is an authorized_keys file's bytes, read as the monitor reads one (UTF-8, lines at
 * LF). Each line goes through AuthorizedKeysLine.read as it stands and again with a known key
 * after it (a fuzzed base64 key rarely decodes, so the options need a key to be reached); the
 * options the line would carry are then checked against a client, as for a login. Only
 * KeyOptions.parse may throw, and only IllegalArgumentException; a line whose options parse
 * and that a key follows is read with exactly that key.
 */
class AuthorizedKeysLineFuzzTest {
    /** An ed25519 key made once with ssh-keygen for these tests. */
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINpjc9Ww9uml5U0wbv9I1e5Vc371SL6HCt6VLf+pW4sN";
    private static final Account USER = new Account("fuzz", 1000, 1000, Path.of("/nonexistent"), Path.of("/bin/sh"));
    private static final InetAddress[] CLIENTS = {
        InetAddress.getLoopbackAddress(), address(new byte[16]), address(new byte[] {10, 1, 2, 3}),
    };

    @FuzzTest(maxDuration = "60s")
    void file(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String loc = "fuzz:" + (i + 1);
            AuthorizedKeysLine.read(loc, line);
            KeyOptions options;
            try {
                options = KeyOptions.parse(line);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (line.isEmpty() || line.chars().anyMatch(c -> c == ' ' || c == '\t')) {
                continue;
            }
            Optional<AuthorizedKeysLine> withKey = AuthorizedKeysLine.read(loc, line + " " + KEY);
            assertEquals(AuthorizedKeysLine.readKey(KEY), withKey.map(AuthorizedKeysLine::key), line);
            for (InetAddress client : CLIENTS) {
                KeyOptionChecks.admit(USER, options, true, Client.of(client), loc);
            }
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
