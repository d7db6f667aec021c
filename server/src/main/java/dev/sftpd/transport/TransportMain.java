// The transport: started by the monitor already unprivileged and jailed, it waits in the pool for a client, confines itself, then speaks SSH.
package dev.sftpd.transport;

import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorLogSink;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import org.apache.sshd.server.session.SessionFactory;

/**
 * Started by the monitor (posix_spawn, then a mount namespace, chroot and setpriv) as the
 * `sftpd` user with no capabilities and no_new_privs; never a user-facing program. Its only
 * descriptors: /dev/null on 0, 1 and 2, the monitor channel on 3.
 */
public final class TransportMain {
    private static final SshLog log = SshLog.get(TransportMain.class);
    private static final int STDIN = 0;
    /**
     * The exit status after a protocol error the transport logged in sshd's words (sshd's
     * cleanup_exit(255)): the monitor then adds no "Connection closed" line. Anything else that
     * goes wrong exits 1.
     */
    public static final int PROTOCOL_ERROR = 255;
    private static final int FAILED = 1;

    private final MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);

    private TransportMain() {}

    public static void main(String[] args) {
        System.exit(new TransportMain().run());
    }

    private int run() {
        try {
            Prepared prepared = prepare(monitor, monitor.hello());
            MonitorCalls.Connection connection = monitor.awaitConnection();
            endWithMonitor();
            return serve(prepared, connection) ? 0 : PROTOCOL_ERROR;
        } catch (Exception e) {
            log.fatal("transport: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return FAILED;
        }
    }

    /**
     * A transport serves only while its monitor lives: without it no logout is recorded, no key
     * exchange signed, no session started. So when the monitor's end of the channel closes (the
     * daemon was killed), the transport exits at once and its connection ends with it; its
     * engines then see the end of their channel and finish as for a client that went away.
     */
    private static void endWithMonitor() {
        Thread watch = new Thread(() -> {
            try {
                Sockets.awaitHangUp(MonitorCalls.CHANNEL_FD);
            } catch (SysCallException e) {
                // Cannot tell: the next monitor call will.
                return;
            }
            Runtime.getRuntime().halt(FAILED);
        }, "monitor-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** A transport ready for its client: the SSH server built, its classes loaded, the process confined. */
    public record Prepared(SessionFactory sessions) {}

    /**
     * Everything before the client's first byte: the JDK's security providers only, logging to
     * the monitor, the SSH server as HELLO configures it, and the seccomp filter on every thread.
     */
    public static Prepared prepare(MonitorCalls monitor, MonitorCalls.Hello hello) throws Exception {
        JdkEd25519Registrar.install();
        Logging.init(hello.settings().logLevel(), new MonitorLogSink(monitor));
        TransportServer server = TransportServer.create(hello.settings(), monitor, hello.hostKeyBlobs(),
                hello.banner());
        SessionFactory sessions = server.prepare();
        Seccomp.confine();
        return new Prepared(sessions);
    }

    /**
     * Serves the client the monitor handed over until the connection ends; false when it ended on
     * a protocol error, logged.
     */
    public static boolean serve(Prepared prepared, MonitorCalls.Connection connection) throws Exception {
        return TransportServer.serve(prepared.sessions(), socketChannel(connection.socket()),
                new InetSocketAddress(connection.peerAddress(), connection.peerPort()),
                new InetSocketAddress(connection.localAddress(), connection.localPort()));
    }

    /**
     * The JDK makes a SocketChannel only of a socket inherited on fd 0, and decides what fd 0 is
     * on first asking; nothing asked before the client socket replaced /dev/null there.
     */
    private static SocketChannel socketChannel(Fd client) throws IOException {
        try (client) {
            Sockets.dup2(client.fd(), STDIN);
        } catch (SysCallException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(System.inheritedChannel() instanceof SocketChannel socket)) {
            throw new IOException("the monitor handed over something that is not a connected socket");
        }
        return socket;
    }
}
