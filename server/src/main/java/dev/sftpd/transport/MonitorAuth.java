// Base of the worker's authentication methods: each only relays to the monitor and turns its verdict into MINA's.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorCalls.AuthResult;
import java.io.IOException;
import java.util.function.Function;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AbstractUserAuth;
import org.apache.sshd.server.auth.UserAuth;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.session.ServerSession;

abstract class MonitorAuth extends AbstractUserAuth {
    protected final MonitorCalls monitor;

    MonitorAuth(String name, MonitorCalls monitor) {
        super(name);
        this.monitor = monitor;
    }

    /** The user and service go to getpwnam and PAM through the monitor: no NUL may cut them short. */
    @Override
    public Boolean auth(ServerSession session, String username, String service, Buffer buffer) throws Exception {
        if (PreauthSession.endsOnNul(session, username, service)) {
            return Boolean.FALSE;
        }
        return super.auth(session, username, service, buffer);
    }

    static UserAuthFactory factory(String name, Function<String, UserAuth> create) {
        return new UserAuthFactory() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public UserAuth createUserAuth(ServerSession session) {
                return create.apply(name);
            }
        };
    }

    /**
     * TRUE when the method succeeded (MINA then applies AuthenticationMethods, as the monitor
     * does on its side), FALSE when refused; after MaxAuthTries the client is disconnected
     * with sshd's message.
     */
    protected Boolean verdict(AuthResult result) throws IOException {
        switch (result) {
            case AUTHENTICATED:
            case PARTIAL:
                return Boolean.TRUE;
            case NO_MORE_ATTEMPTS:
                // Written by hand: MINA's disconnect() swaps its own text in for reason code 2.
                Buffer bye = getServerSession().createBuffer(SshConstants.SSH_MSG_DISCONNECT, 64);
                bye.putInt(SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR);
                bye.putString("Too many authentication failures");
                bye.putString("");
                getServerSession().writePacket(bye);
                getServerSession().close(false);
                return Boolean.FALSE;
            default:
                return Boolean.FALSE;
        }
    }
}
