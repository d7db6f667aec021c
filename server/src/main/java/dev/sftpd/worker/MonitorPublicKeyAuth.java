// The "publickey" user authentication method, decided by the monitor rather than in the worker.
package dev.sftpd.worker;

import dev.sftpd.privsep.MonitorCalls;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AbstractUserAuth;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * The worker only relays: user, algorithm, key blob and signature go to the monitor, which
 * checks authorized_keys and verifies the signature over data it builds from the session id
 * it signed itself.
 */
final class MonitorPublicKeyAuth extends AbstractUserAuth {
    static final String NAME = "publickey";

    private final MonitorCalls monitor;

    MonitorPublicKeyAuth(MonitorCalls monitor) {
        super(NAME);
        this.monitor = monitor;
    }

    static UserAuthFactory factory(MonitorCalls monitor) {
        return new UserAuthFactory() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public UserAuth createUserAuth(ServerSession session) {
                return new MonitorPublicKeyAuth(monitor);
            }
        };
    }

    @Override
    protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        boolean hasSignature = buffer.getBoolean();
        String algorithm = buffer.getString();
        byte[] keyBlob = buffer.getBytes();
        byte[] signature = hasSignature ? buffer.getBytes() : null;
        MonitorCalls.AuthResult result = monitor.authPublicKey(getUsername(), getService(), algorithm, keyBlob,
                signature);
        switch (result) {
            case AUTHENTICATED:
                return Boolean.TRUE;
            case KEY_ACCEPTABLE:
                if (hasSignature) {
                    return Boolean.FALSE;
                }
                Buffer ok = getServerSession().createBuffer(SshConstants.SSH_MSG_USERAUTH_PK_OK,
                        algorithm.length() + keyBlob.length + 16);
                ok.putString(algorithm);
                ok.putBytes(keyBlob);
                getServerSession().writePacket(ok);
                return null;
            default:
                return Boolean.FALSE;
        }
    }
}
