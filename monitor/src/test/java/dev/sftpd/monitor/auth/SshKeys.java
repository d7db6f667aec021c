// Key pairs made by OpenSSH's own ssh-keygen, so tests read authorized_keys lines a user would paste.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** line: "ssh-ed25519 AAAA... comment" as in id_ed25519.pub; key: the same key as the monitor decodes it. */
record SshKeys(String line, PublicKey key) {
    static SshKeys generate(Path dir, String name, String... typeArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q"));
        command.addAll(List.of(typeArgs));
        command.addAll(List.of("-N", "", "-C", name + "@test", "-f", dir.resolve(name).toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ssh-keygen failed: " + output);
        String line = Files.readString(dir.resolve(name + ".pub")).strip();
        return new SshKeys(line, Keys.fromBlob(Base64.getDecoder().decode(line.split(" ")[1])));
    }
}
