// Host keys as the worker knows them: the real public keys, each paired with a placeholder private key.
package dev.sftpd.transport;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * MINA wants a KeyPair per host key and looks at the private half's type; the placeholder
 * has the right type and no secret, and {@link MonitorSignatures} sends its public blob to
 * the monitor to sign with the real key.
 */
final class PlaceholderKeys implements KeyPairProvider {
    /** A private key that holds nothing but the identity of the host key it stands for. */
    interface Placeholder extends PrivateKey {
        byte[] blob();

        /** No encoding: there is no secret to encode. */
        @Override
        default String getFormat() {
            return null;
        }

        @Override
        default byte[] getEncoded() {
            return null;
        }
    }

    private final List<KeyPair> pairs;

    PlaceholderKeys(List<byte[]> publicBlobs) throws java.io.IOException {
        List<KeyPair> list = new ArrayList<>();
        for (byte[] blob : publicBlobs) {
            PublicKey pub = new ByteArrayBuffer(blob).getRawPublicKey();
            list.add(new KeyPair(pub, placeholder(pub, blob)));
        }
        pairs = List.copyOf(list);
    }

    @Override
    public Iterable<KeyPair> loadKeys(SessionContext session) {
        return pairs;
    }

    @Override
    public Iterable<String> getKeyTypes(SessionContext session) {
        return pairs.stream().map(p -> KeyUtils.getKeyType(p.getPublic())).distinct().toList();
    }

    @Override
    public KeyPair loadKey(SessionContext session, String type) {
        String canonical = KeyUtils.getCanonicalKeyType(type);
        return pairs.stream().filter(p -> KeyUtils.getKeyType(p.getPublic()).equals(canonical)).findFirst()
                .orElse(null);
    }

    private static Placeholder placeholder(PublicKey pub, byte[] blob) {
        if (pub instanceof RSAPublicKey rsa) {
            return new Rsa(rsa.getModulus(), blob);
        }
        if (pub instanceof ECPublicKey ec) {
            return new Ec(ec.getParams(), blob);
        }
        return new Generic(pub.getAlgorithm(), blob);
    }

    private record Rsa(BigInteger getModulus, byte[] blob) implements Placeholder, RSAPrivateKey {
        @Override
        public BigInteger getPrivateExponent() {
            return BigInteger.ONE;
        }

        @Override
        public String getAlgorithm() {
            return "RSA";
        }
    }

    private record Ec(ECParameterSpec getParams, byte[] blob) implements Placeholder, ECPrivateKey {
        @Override
        public BigInteger getS() {
            return BigInteger.ONE;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }
    }

    /** Ed25519: MINA recognises it by the algorithm name alone. */
    private record Generic(String getAlgorithm, byte[] blob) implements Placeholder {}
}
