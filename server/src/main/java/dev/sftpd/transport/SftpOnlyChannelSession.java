// A session channel that refuses what an SFTP-only server has no use for: ptys, environment, X11, agent.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import java.io.IOException;
import java.util.Set;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;

final class SftpOnlyChannelSession extends ChannelSession {
    private static final SshLog log = SshLog.get(SftpOnlyChannelSession.class);
    private static final Set<String> REFUSED = Set.of("pty-req", "env", "x11-req", "auth-agent-req@openssh.com");

    static final ChannelFactory FACTORY = new ChannelFactory() {
        @Override
        public String getName() {
            return "session";
        }

        @Override
        public SftpOnlyChannelSession createChannel(Session session) {
            return new SftpOnlyChannelSession();
        }
    };

    @Override
    protected RequestHandler.Result handleInternalRequest(String type, boolean wantReply, Buffer buffer)
            throws IOException {
        if (REFUSED.contains(type)) {
            log.debug1("refusing channel request %s: this service allows sftp connections only", type);
            return RequestHandler.Result.ReplyFailure;
        }
        return super.handleInternalRequest(type, wantReply, buffer);
    }
}
