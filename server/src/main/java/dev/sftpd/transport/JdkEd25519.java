// MINA's Ed25519 key handling on the JDK's own keys (SunEC, JDK 15 and later) instead of Bouncy Castle's.
package dev.sftpd.transport;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.KeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.apache.sshd.common.config.keys.PrivateKeyEntryDecoder;
import org.apache.sshd.common.config.keys.PublicKeyEntryDecoder;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSASupport;
import org.apache.sshd.common.util.security.eddsa.generic.EdDSAUtils;
import org.apache.sshd.common.util.security.eddsa.generic.GenericEd25519PublicKeyDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericOpenSSHEd25519PrivateKeyEntryDecoder;
import org.apache.sshd.common.util.security.eddsa.generic.GenericSignatureEd25519;

/**
 * Keys are the JDK's EdECPublicKey and EdECPrivateKey, made and taken apart through their
 * standard X.509 and PKCS#8 encodings (MINA's EdDSAUtils), always by SunEC, whatever other
 * providers the JVM has. Two things the JDK does differently from what MINA expects of a
 * provider, handled here: its generator takes the curve, not MINA's "256 bits", and it has no
 * call that derives a public key from a private one, so {@link #recoverEDDSAPublicKey} runs the
 * generator on the private key's own seed (RFC 8032: the private key is that seed, the public
 * key a function of it).
 */
final class JdkEd25519 implements EdDSASupport<EdECPublicKey, EdECPrivateKey> {
    static final JdkEd25519 INSTANCE = new JdkEd25519();
    private static final String PROVIDER = "SunEC";
    private static final int SEED_LENGTH = 32;

    private JdkEd25519() {}

    @Override
    public PublicKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getEDDSAPublicKeyEntryDecoder() {
        return new GenericEd25519PublicKeyDecoder<>(EdECPublicKey.class, EdECPrivateKey.class, this) {
            @Override
            public KeyPair generateKeyPair(int keySize) throws GeneralSecurityException {
                return generate(keySize);
            }
        };
    }

    @Override
    public PrivateKeyEntryDecoder<EdECPublicKey, EdECPrivateKey> getOpenSSHEDDSAPrivateKeyEntryDecoder() {
        return new GenericOpenSSHEd25519PrivateKeyEntryDecoder<>(EdECPublicKey.class, EdECPrivateKey.class, this) {
            @Override
            public KeyPair generateKeyPair(int keySize) throws GeneralSecurityException {
                return generate(keySize);
            }
        };
    }

    /** MINA asks for 256 bits (KEY_SIZE); SunEC's generator knows the curve by name or as 255. */
    private static KeyPair generate(int keySize) throws GeneralSecurityException {
        if (keySize != KEY_SIZE) {
            throw new InvalidKeyException("Ed25519 keys have " + KEY_SIZE + " bits, not " + keySize);
        }
        return generator().generateKeyPair();
    }

    @Override
    public Signature getEDDSASigner() {
        return new GenericSignatureEd25519(SecurityUtils.EDDSA);
    }

    @Override
    public int getEDDSAKeySize(Key key) {
        return isEd25519(key) ? KEY_SIZE : -1;
    }

    @Override
    public Class<EdECPublicKey> getEDDSAPublicKeyType() {
        return EdECPublicKey.class;
    }

    @Override
    public Class<EdECPrivateKey> getEDDSAPrivateKeyType() {
        return EdECPrivateKey.class;
    }

    @Override
    public boolean compareEDDSAPPublicKeys(PublicKey k1, PublicKey k2) {
        return isEd25519(k1) && isEd25519(k2) && Arrays.equals(k1.getEncoded(), k2.getEncoded());
    }

    @Override
    public boolean compareEDDSAPrivateKeys(PrivateKey k1, PrivateKey k2) {
        return isEd25519(k1) && isEd25519(k2) && k1.equals(k2);
    }

    @Override
    public EdECPublicKey recoverEDDSAPublicKey(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey ed) || !isEd25519(key)) {
            throw new InvalidKeyException("not an Ed25519 private key: " + (key == null ? null : key.getAlgorithm()));
        }
        byte[] seed = ed.getBytes().orElseThrow(() -> new InvalidKeyException("the Ed25519 private key hides its bytes"));
        try {
            KeyPairGenerator generator = generator();
            generator.initialize(NamedParameterSpec.ED25519, new Seed(seed));
            return (EdECPublicKey) generator.generateKeyPair().getPublic();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** A "random" source that yields one private key's seed, once: what the generator draws a new key from. */
    private static final class Seed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private byte[] seed;

        Seed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public synchronized void nextBytes(byte[] bytes) {
            if (seed == null || bytes.length != SEED_LENGTH || seed.length != SEED_LENGTH) {
                throw new IllegalStateException("the Ed25519 generator asked for something other than one seed");
            }
            System.arraycopy(seed, 0, bytes, 0, SEED_LENGTH);
            Arrays.fill(seed, (byte) 0);
            seed = null;
        }
    }

    @Override
    public EdECPublicKey generateEDDSAPublicKey(byte[] seed) throws GeneralSecurityException {
        return (EdECPublicKey) keyFactory().generatePublic(EdDSAUtils.createPublicKeySpec(seed));
    }

    @Override
    public EdECPrivateKey generateEDDSAPrivateKey(byte[] seed) throws GeneralSecurityException {
        return (EdECPrivateKey) keyFactory().generatePrivate(EdDSAUtils.createPrivateKeySpec(seed));
    }

    private static KeyFactory keyFactory() throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519", PROVIDER);
    }

    private static KeyPairGenerator generator() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519", PROVIDER);
    }

    @Override
    public <B extends Buffer> B putRawEDDSAPublicKey(B buffer, PublicKey key) {
        if (!(key instanceof EdECPublicKey) || !isEd25519(key)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key);
        }
        buffer.putBytes(getPublicKeyData((EdECPublicKey) key));
        return buffer;
    }

    /** As MINA's Bouncy Castle support: an agent's or a key file's key pair is never encoded here. */
    @Override
    public <B extends Buffer> B putEDDSAKeyPair(B buffer, PublicKey pubKey, PrivateKey prvKey) {
        throw new UnsupportedOperationException("encoding an Ed25519 key pair into a buffer");
    }

    @Override
    public KeySpec createPublicKeySpec(EdECPublicKey publicKey) {
        return new X509EncodedKeySpec(publicKey.getEncoded());
    }

    @Override
    public KeySpec createPrivateKeySpec(EdECPrivateKey privateKey) {
        return new PKCS8EncodedKeySpec(privateKey.getEncoded());
    }

    @Override
    public byte[] getPublicKeyData(EdECPublicKey publicKey) {
        if (publicKey == null) {
            return null;
        }
        try {
            return EdDSAUtils.getBytes(publicKey);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public byte[] getPrivateKeyData(EdECPrivateKey privateKey) throws IOException {
        try {
            return EdDSAUtils.getBytes(privateKey);
        } catch (InvalidKeyException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String getKeyFactoryAlgorithm() {
        return SecurityUtils.ED25519;
    }

    private static boolean isEd25519(Key key) {
        return key instanceof EdECKey ed && NamedParameterSpec.ED25519.getName().equalsIgnoreCase(ed.getParams().getName());
    }
}
