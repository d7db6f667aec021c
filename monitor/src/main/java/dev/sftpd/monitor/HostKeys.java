// The daemon's host private keys: loaded (or made, as ssh-keygen -A) by the monitor, used only to sign.
package dev.sftpd.monitor;

import dev.sftpd.log.SshLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;

/** The private halves never leave this object: workers get public blobs and signatures. */
public final class HostKeys {
    private static final SshLog log = SshLog.get(HostKeys.class);
    /** Exchange hashes of SHA-256, SHA-384 and SHA-512 key exchanges: nothing else is signed. */
    private static final List<Integer> HASH_LENGTHS = List.of(32, 48, 64);

    private record HostKey(KeyPair pair, byte[] blob) {}

    private final List<HostKey> keys;

    private HostKeys(List<HostKey> keys) {
        this.keys = keys;
    }

    /** Loads each key file (unencrypted OpenSSH or PEM private keys); a missing or unreadable one is an error. */
    public static HostKeys load(List<Path> files) throws IOException, GeneralSecurityException {
        List<HostKey> keys = new ArrayList<>();
        for (Path file : files) {
            KeyPair pair;
            try (InputStream in = Files.newInputStream(file)) {
                Iterator<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                        in, null).iterator();
                if (!pairs.hasNext()) {
                    throw new IOException(file + ": no key found");
                }
                pair = pairs.next();
            }
            keys.add(new HostKey(pair, blob(pair)));
        }
        return new HostKeys(List.copyOf(keys));
    }

    /**
     * Creates the missing ones of these files, as `ssh-keygen -A` does: the type is taken from
     * the name (…_ed25519_key, …_rsa_key, …_ecdsa_key), the private key mode 0600, the .pub 0644.
     */
    public static void createMissing(List<Path> files) throws IOException, GeneralSecurityException {
        for (Path file : files) {
            if (Files.exists(file)) {
                continue;
            }
            String name = file.getFileName().toString();
            KeyPair pair = name.contains("ed25519") ? KeyUtils.generateKeyPair("ssh-ed25519", 256)
                    : name.contains("ecdsa") ? KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256)
                    : KeyUtils.generateKeyPair("ssh-rsa", 3072);
            Files.createDirectories(file.toAbsolutePath().getParent());
            String comment = "root@" + java.net.InetAddress.getLocalHost().getHostName();
            Path tmp = file.resolveSibling(name + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, comment, null, out);
            }
            Path pub = file.resolveSibling(name + ".pub");
            try (OutputStream out = Files.newOutputStream(pub)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), comment, out);
            }
            Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            log.info("Generated %s host key %s", KeyUtils.getKeyType(pair), file);
        }
    }

    /** The public key blobs, in HostKey order: what the worker offers to clients. */
    public List<byte[]> publicBlobs() {
        return keys.stream().map(HostKey::blob).toList();
    }

    /**
     * Signs an exchange hash with the host key whose public blob is given, by an algorithm that
     * key can make. Empty when the key is not ours, the algorithm does not fit it, or the data
     * is not the size of an exchange hash.
     */
    public Optional<byte[]> sign(String algorithm, byte[] blob, byte[] exchangeHash) throws GeneralSecurityException {
        if (!HASH_LENGTHS.contains(exchangeHash.length)) {
            return Optional.empty();
        }
        Optional<HostKey> key = keys.stream().filter(k -> Arrays.equals(k.blob(), blob)).findFirst();
        BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(algorithm);
        if (key.isEmpty() || factory == null || !factory.isSupported()
                || !KeyUtils.getKeyType(key.get().pair()).equals(KeyUtils.getCanonicalKeyType(algorithm))) {
            return Optional.empty();
        }
        try {
            Signature signer = factory.create();
            signer.initSigner(null, key.get().pair().getPrivate());
            signer.update(null, exchangeHash);
            return Optional.of(signer.sign(null));
        } catch (GeneralSecurityException e) {
            throw e;
        } catch (Exception e) {
            throw new GeneralSecurityException(algorithm + " signature failed: " + e.getMessage(), e);
        }
    }

    static byte[] blob(KeyPair pair) {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putRawPublicKey(pair.getPublic());
        return b.getCompactData();
    }
}
