// The "publickey" user authentication method, decided by the monitor rather than in the worker.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuthFactory;

/**
 * The worker only relays: user, algorithm, key blob and signature go to the monitor, which
 * checks authorized_keys and verifies the signature over data it builds from the session id
 * it signed itself.
 */
final class MonitorPublicKeyAuth extends MonitorAuth {
    static final String NAME = "publickey";

    MonitorPublicKeyAuth(MonitorCalls monitor) {
        super(NAME, monitor);
    }

    static UserAuthFactory factory(MonitorCalls monitor) {
        return factory(NAME, name -> new MonitorPublicKeyAuth(monitor));
    }

    @Override
    protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        boolean hasSignature = buffer.getBoolean();
        String algorithm = buffer.getString();
        byte[] keyBlob = buffer.getBytes();
        byte[] signature = hasSignature ? buffer.getBytes() : null;
        MonitorCalls.AuthResult result = monitor.authPublicKey(getUsername(), getService(), algorithm, keyBlob,
                signature);
        if (result == MonitorCalls.AuthResult.KEY_ACCEPTABLE && !hasSignature) {
            Buffer ok = getServerSession().createBuffer(SshConstants.SSH_MSG_USERAUTH_PK_OK,
                    algorithm.length() + keyBlob.length + 16);
            ok.putString(algorithm);
            ok.putBytes(keyBlob);
            getServerSession().writePacket(ok);
            return null;
        }
        return verdict(result);
    }
}
