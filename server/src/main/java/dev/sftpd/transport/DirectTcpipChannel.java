// A direct-tcpip channel (ssh -L, ssh -W): the monitor judges it, an engine connects as the user, the transport relays.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.ConnectResult;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.LoggerFactory;

/**
 * The transport never connects anywhere itself (it is the unprivileged user sftpd, and a
 * connection must come from the user's process, as sshd's does): it receives the connected
 * socket from the engine and copies bytes, the client's as they arrive, the target's on a thread
 * of the channel's own, within the client's window.
 */
final class DirectTcpipChannel extends AbstractServerChannel {
    private static final SshLog log = SshLog.get(DirectTcpipChannel.class);
    private static final int CHUNK = 32 * 1024;

    static ChannelFactory factory(MonitorCalls monitor) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return "direct-tcpip";
            }

            @Override
            public DirectTcpipChannel createChannel(Session session) {
                return new DirectTcpipChannel(monitor);
            }
        };
    }

    private final MonitorCalls monitor;
    private volatile Fd target;

    private DirectTcpipChannel(MonitorCalls monitor) {
        super("", List.of(), null);
        this.monitor = monitor;
    }

    /** Answered from a thread of its own: a connect can take as long as the network makes it. */
    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        String originator = buffer.getString();
        int originatorPort = buffer.getInt();
        OpenFuture opened = new DefaultOpenFuture(this, this);
        if (PreauthSession.endsOnNul(getSession(), host, originator)) {
            // sshd's sshpkt_get_cstring() refuses it, and the connection ends.
            opened.setException(new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "invalid format"));
            return opened;
        }
        Thread opener = new Thread(() -> open(opened, host, port, originator, originatorPort), "direct-tcpip");
        opener.setDaemon(true);
        opener.start();
        return opened;
    }

    private void open(OpenFuture opened, String host, int port, String originator, int originatorPort) {
        ConnectResult result;
        try {
            try (Fd engine = monitor.openForward(host, port, originator, originatorPort)) {
                result = ConnectResult.receive(engine.fd());
            }
        } catch (MonitorCalls.RefusedException e) {
            refuse(opened, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "administratively prohibited");
            return;
        } catch (Exception e) {
            log.debug1("direct-tcpip to %s port %d: %s", host, port, e.getMessage());
            refuse(opened, SshConstants.SSH_OPEN_CONNECT_FAILED, "connect failed");
            return;
        }
        if (result.connection().isEmpty()) {
            refuse(opened, result.reason(), result.description());
            return;
        }
        target = result.connection().get();
        OutputStream toClient = new ChannelOutputStream(this, getRemoteWindow(),
                LoggerFactory.getLogger(DirectTcpipChannel.class), SshConstants.SSH_MSG_CHANNEL_DATA, true);
        // MINA sends the confirmation to the channel's open-success signal: only then may the target's bytes follow.
        signalChannelOpenSuccess();
        opened.setOpened();
        Thread relay = new Thread(() -> targetToClient(toClient), "direct-tcpip-out");
        relay.setDaemon(true);
        relay.start();
    }

    private void refuse(OpenFuture opened, int reason, String message) {
        SshChannelOpenException refusal = new SshChannelOpenException(getChannelId(), reason, message);
        signalChannelOpenFailure(refusal);
        opened.setException(refusal);
        close(true);
    }

    /** The target's bytes to the client; the target's EOF is the channel's EOF, then its close. */
    private void targetToClient(OutputStream toClient) {
        byte[] buf = new byte[CHUNK];
        try {
            for (int n; (n = Sockets.read(target.fd(), buf, 0, buf.length)) > 0; ) {
                toClient.write(buf, 0, n);
                toClient.flush();
            }
            toClient.close();
        } catch (IOException | SysCallException | IllegalStateException e) {
            log.debug1("direct-tcpip channel %d: %s", getChannelId(), e.getMessage());
        }
        close(false);
    }

    /** The client's bytes to the target; the window opens again once they are written. */
    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        try {
            Sockets.writeFully(target.fd(), data, off, (int) len);
        } catch (SysCallException | IllegalStateException e) {
            throw new IOException("direct-tcpip channel " + getChannelId() + ": " + e.getMessage(), e);
        }
        getLocalWindow().release(len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("direct-tcpip channel " + getChannelId() + ": extended data");
    }

    /** The client's EOF: the target reads EOF too, and may still answer. */
    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        Fd t = target;
        if (t != null) {
            Sockets.shutdownOutput(t.fd());
        }
    }

    @Override
    protected Closeable getInnerCloseable() {
        return builder().close(super.getInnerCloseable()).run(toString(), this::closeTarget).build();
    }

    private void closeTarget() {
        Fd t = target;
        if (t != null) {
            Sockets.shutdown(t.fd());
            t.close();
        }
    }
}
