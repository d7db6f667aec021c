// Client keys, certificate authorities and certificates, made with ssh-keygen as an administrator would.
package dev.sftpd.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class Keys {
    private Keys() {}

    /** A new ed25519 key pair without passphrase: {@code file} and {@code file.pub}. */
    public static Path generate(Path file, String comment) {
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.toString());
        return file;
    }

    /** The line of {@code key}.pub, for authorized_keys or TrustedUserCAKeys. */
    public static String publicKey(Path key) {
        return Text.read(Path.of(key + ".pub")).strip();
    }

    /** "SHA256:..." of a public key file (for a certificate: of the key it certifies, as sshd prints it). */
    public static String fingerprint(Path publicKey) {
        return Run.checked("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey.toString()).stdout().split("\\s+")[1];
    }

    /**
     * Signs {@code key}.pub with the CA's private key as {@code ssh-keygen -s}, with key id "test-id":
     * the certificate lands in {@code key}-cert.pub, where ssh -i key finds it. {@code validity} is
     * ssh-keygen's -V argument; {@code options} are -O arguments such as "source-address=10.0.0.0/8".
     */
    public static Path certify(Path key, Path ca, String principals, String validity, String... options) {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", ca.toString(),
                "-I", "test-id", "-n", principals, "-V", validity));
        for (String option : options) {
            command.addAll(List.of("-O", option));
        }
        command.add(key + ".pub");
        Run.checked(command.toArray(String[]::new));
        return Path.of(key + "-cert.pub");
    }
}
