// node's ssh2 library (npm), a client that is not OpenSSH's: its symlink and a large read, through ClientQuirks and limits@openssh.com.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ssh2 sends SSH_FXP_SYMLINK's arguments in OpenSSH's order only to a server that calls itself
 * OpenSSH or dropbear; sftpd does not, and serves the draft's order to this client instead
 * (sftp-core's ClientQuirks, keyed on "SSH-2.0-ssh2js..."). Its reads are 34000 bytes unless the
 * server offers limits@openssh.com, which sftpd does.
 */
class NodeSsh2IT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    private static Path modules;

    /** ssh2 from the npm registry, without its optional native parts (nothing is compiled). */
    @BeforeAll
    static void installSsh2() throws Exception {
        Sftpd.assumeRoot();
        Path dir = Files.createDirectories(sftpd.dir().resolve("node"));
        Run.run(List.of("npm", "install", "--prefix", dir.toString(), "--omit=optional", "--no-audit", "--no-fund",
                "ssh2@1"), new byte[0], Duration.ofMinutes(5)).assertExit(0);
        modules = dir.resolve("node_modules");
        Files.copy(NodeSsh2IT.class.getResourceAsStream("ssh2-client.js"), dir.resolve("ssh2-client.js"));
    }

    @Test
    void ssh2sSymlinkPointsWhereItAskedAndALargeFileReadsWhole() throws Exception {
        SystemUser alice = sftpd.user("alice");
        byte[] data = Files.readAllBytes(sftpd.randomFile("big.bin", 3_000_000));
        alice.createFile("big.bin", "", "rw-r--r--");
        Files.write(alice.home().resolve("big.bin"), data);

        Outcome out = Run.run(List.of("node", modules.getParent().resolve("ssh2-client.js").toString(), "127.0.0.1",
                Integer.toString(sftpd.daemon().port()), alice.name(), alice.key().toString(), alice.home().toString()),
                Map.of("NODE_PATH", modules.toString()), "").assertExit(0);

        assertEquals("target.txt", Files.readSymbolicLink(alice.home().resolve("link")).toString());
        assertEquals("target.txt", field(out, "readlink"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), field(out, "sha256"));
        assertTrue(Integer.parseInt(field(out, "maxReadLen")) > 34000,
                "reads as large as limits@openssh.com allows, not ssh2's 34000 for unknown servers: " + out.stdout());
    }

    /** One field of the script's JSON line (strings and numbers only). */
    private static String field(Outcome out, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]*)").matcher(out.stdout());
        assertTrue(m.find(), name + " in " + out.stdout());
        return m.group(1);
    }
}
