// Checks a client's publickey signature (sshkey_verify()) in the monitor, never trusting the worker's word.
package dev.sftpd.monitor.auth;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A signature is SSH wire data: string algorithm, string blob, nothing after. The algorithm must
 * be one the key's type signs with (an RSA key: rsa-sha2-512, rsa-sha2-256 or ssh-rsa); the
 * arithmetic is MINA's, which pads short RSA signatures as sshd does. Whether ssh-rsa (SHA-1) is
 * acceptable is configuration (PubkeyAcceptedAlgorithms) and is decided by the caller.
 */
public final class PublicKeySignature {
    private static final Map<String, List<String>> ALGORITHMS = Map.of(
            KeyPairProvider.SSH_ED25519, List.of(KeyPairProvider.SSH_ED25519),
            KeyPairProvider.SSH_RSA, List.of("rsa-sha2-512", "rsa-sha2-256", KeyPairProvider.SSH_RSA),
            KeyPairProvider.ECDSA_SHA2_NISTP256, List.of(KeyPairProvider.ECDSA_SHA2_NISTP256),
            KeyPairProvider.ECDSA_SHA2_NISTP384, List.of(KeyPairProvider.ECDSA_SHA2_NISTP384),
            KeyPairProvider.ECDSA_SHA2_NISTP521, List.of(KeyPairProvider.ECDSA_SHA2_NISTP521));

    private PublicKeySignature() {}

    /** True when {@code signature} is a valid signature by {@code key} over {@code signedData}. */
    public static boolean verify(PublicKey key, byte[] signature, byte[] signedData) {
        return verify(key, signature, signedData, null);
    }

    /**
     * As {@link #verify(PublicKey, byte[], byte[])}, and the signature must also use
     * {@code algorithm}: the one named in the USERAUTH_REQUEST, as sshd insists.
     */
    public static boolean verify(PublicKey key, byte[] signature, byte[] signedData, String algorithm) {
        try {
            Buffer b = new ByteArrayBuffer(signature);
            String used = b.getString();
            b.getBytes();
            if (b.available() != 0 || (algorithm != null && !algorithm.equals(used))
                    || !algorithms(key).contains(used) || !Keys.usable(key)) {
                return false;
            }
            Signature verifier = BuiltinSignatures.fromFactoryName(used).create();
            verifier.initVerifier(null, key);
            verifier.update(null, signedData);
            return verifier.verify(null, signature);
        } catch (Exception malformed) {
            return false;
        }
    }

    /** The signature algorithms a key of this type may use; empty for types we do not accept. */
    static List<String> algorithms(PublicKey key) {
        return ALGORITHMS.getOrDefault(Keys.type(key), List.of());
    }
}
