// Host-key signature factories whose signing half asks the monitor: the worker never holds a host private key.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import java.io.ByteArrayOutputStream;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.signature.Signature;

final class MonitorSignatures {
    private MonitorSignatures() {}

    /** Wraps each factory: verification stays local (user keys), signing goes to the monitor. */
    static List<NamedFactory<Signature>> wrap(List<NamedFactory<Signature>> factories, MonitorCalls monitor) {
        return factories.stream().<NamedFactory<Signature>>map(f -> new NamedFactory<>() {
            @Override
            public String getName() {
                return f.getName();
            }

            @Override
            public Signature create() {
                return new Signer(f.getName(), f.create(), monitor);
            }
        }).toList();
    }

    private static final class Signer implements Signature {
        private final String algorithm;
        private final Signature local;
        private final MonitorCalls monitor;
        private PlaceholderKeys.Placeholder hostKey;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Signer(String algorithm, Signature local, MonitorCalls monitor) {
            this.algorithm = algorithm;
            this.local = local;
            this.monitor = monitor;
        }

        @Override
        public String getAlgorithm() {
            return local.getAlgorithm();
        }

        @Override
        public void initVerifier(SessionContext session, PublicKey key) throws Exception {
            hostKey = null;
            local.initVerifier(session, key);
        }

        @Override
        public void initSigner(SessionContext session, PrivateKey key) throws Exception {
            if (!(key instanceof PlaceholderKeys.Placeholder placeholder)) {
                throw new IllegalStateException("the worker holds no private keys to sign with");
            }
            hostKey = placeholder;
            data.reset();
        }

        @Override
        public void update(SessionContext session, byte[] hash, int off, int len) throws Exception {
            if (hostKey != null) {
                data.write(hash, off, len);
            } else {
                local.update(session, hash, off, len);
            }
        }

        @Override
        public boolean verify(SessionContext session, byte[] sig) throws Exception {
            return local.verify(session, sig);
        }

        @Override
        public byte[] sign(SessionContext session) throws Exception {
            return monitor.sign(algorithm, hostKey.blob(), data.toByteArray());
        }
    }
}
