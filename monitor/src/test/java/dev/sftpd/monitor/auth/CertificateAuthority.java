// A user CA made and used with OpenSSH's own ssh-keygen, as an administrator runs ssh-keygen -s.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** {@code key.line()} is what goes into TrustedUserCAKeys or after cert-authority in authorized_keys. */
record CertificateAuthority(Path dir, String name, SshKeys key) {
    /** An ed25519 CA unless {@code typeArgs} (ssh-keygen's -t, -b) say otherwise. */
    static CertificateAuthority create(Path dir, String name, String... typeArgs) throws IOException, InterruptedException {
        String[] type = typeArgs.length == 0 ? new String[] {"-t", "ed25519"} : typeArgs;
        return new CertificateAuthority(dir, name, SshKeys.generate(dir, name, type));
    }

    /**
     * Certifies {@code user}'s public key with ssh-keygen's {@code options} (-I, -n, -V, -O, -h ...)
     * and decodes the result as the monitor does a key blob from a client.
     */
    OpenSshCertificate certify(SshKeys user, String... options) throws IOException, InterruptedException {
        // Each certificate signs its own copy of the key: ssh-keygen names the result after the input.
        Path pub = Files.createTempFile(dir, "user", ".pub");
        Files.writeString(pub, user.line() + "\n");
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", dir.resolve(name).toString()));
        command.addAll(List.of(options));
        command.add(pub.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "ssh-keygen failed: " + output);
        String file = pub.getFileName().toString();
        String line = Files.readString(pub.resolveSibling(file.substring(0, file.length() - 4) + "-cert.pub"));
        return (OpenSshCertificate) Keys.fromBlob(Base64.getDecoder().decode(line.split(" ")[1]));
    }
}
