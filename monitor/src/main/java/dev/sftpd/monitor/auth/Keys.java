// Public keys from SSH wire blobs, with the checks and names sshkey.c applies to them.
package dev.sftpd.monitor.auth;

import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

final class Keys {
    /** SSH_RSA_MINIMUM_MODULUS_SIZE: sshd refuses smaller RSA keys wherever it meets them. */
    private static final int RSA_MINIMUM_BITS = 1024;

    /** sshkey_type(): the short names sshd's log lines use ("Accepted key ED25519 SHA256:..."). */
    private static final Map<String, String> SHORT_NAMES = Map.of(
            KeyPairProvider.SSH_RSA, "RSA",
            KeyPairProvider.SSH_ED25519, "ED25519",
            KeyPairProvider.ECDSA_SHA2_NISTP256, "ECDSA",
            KeyPairProvider.ECDSA_SHA2_NISTP384, "ECDSA",
            KeyPairProvider.ECDSA_SHA2_NISTP521, "ECDSA");

    private Keys() {}

    /** sshkey_from_blob(): exactly one key and nothing after it. */
    static PublicKey fromBlob(byte[] blob) throws IllegalArgumentException {
        PublicKey key;
        Buffer b = new ByteArrayBuffer(blob);
        try {
            key = b.getRawPublicKey();
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid key blob: " + e.getMessage(), e);
        }
        if (b.available() != 0) {
            throw new IllegalArgumentException("invalid key blob: trailing data");
        }
        if (!usable(key)) {
            throw new IllegalArgumentException("Invalid key length");
        }
        return key;
    }

    static boolean usable(PublicKey key) {
        return !(key instanceof RSAKey rsa) || rsa.getModulus().bitLength() >= RSA_MINIMUM_BITS;
    }

    /** The wire name of the key's type: "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
    static String type(PublicKey key) {
        String t = KeyUtils.getKeyType(key);
        return t == null ? "unknown" : t;
    }

    static String shortType(PublicKey key) {
        return SHORT_NAMES.getOrDefault(type(key), type(key));
    }

    /** As sshd logs keys: SHA256 and unpadded base64. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }
}
