// The transport's class-data training run: TransportMain, unchanged, serving one SSH connection that this JVM makes to itself.
package dev.sftpd.server.training;

import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.MonitorSession;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.privsep.TransportSettings;
import dev.sftpd.server.config.ConfigParser;
import dev.sftpd.transport.JdkEd25519Registrar;
import dev.sftpd.transport.TransportMain;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Run by the monitor, never by the daemon's transports, with -XX:DumpLoadedClassList: the
 * classes it loads become the transports' archive (dev.sftpd.server.ClassArchives). The main
 * thread is a transport as the monitor spawns one (TransportMain on fd 3, seccomp and all);
 * other threads play its monitor (MonitorSession's own HELLO and hand-over, a throwaway host
 * key, every authentication answered yes after one refused password), its engine (an SFTP
 * VERSION for the client's INIT), and the client (MINA's, which ships with sshd-core). The
 * client connects over loopback TCP because that is what a transport serves; the one
 * connection accepted must come from the client's own port, or training stops.
 */
public final class TransportTraining {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** SSH_FXP_INIT version 3, and the SSH_FXP_VERSION 3 reply, without extensions. */
    private static final byte[] SFTP_INIT = {0, 0, 0, 5, 1, 0, 0, 0, 3};
    private static final byte[] SFTP_VERSION = {0, 0, 0, 5, 2, 0, 0, 0, 3};

    private TransportTraining() {}

    public static void main(String[] args) throws Exception {
        // Before any thread uses MINA: the transport's providers, so that its archive holds no Bouncy Castle provider.
        JdkEd25519Registrar.install();
        // The JDK takes an inherited socket for a SocketChannel only if its family is the one the JDK prefers.
        // In the jail it finds no /proc/net/if_inet6, so that is IPv4, as it must be here for the 127.0.0.1 client.
        System.setProperty("java.net.preferIPv4Stack", "true");
        Fd[] channel = Sockets.socketpair();
        Sockets.dup2(channel[1].fd(), MonitorCalls.CHANNEL_FD);
        channel[1].close();
        TrainingThread.start("training-monitor", () -> monitor(channel[0]));
        TransportMain.main(args);
    }

    private static void monitor(Fd channel) throws Exception {
        HostKeys hostKeys = throwawayHostKey();
        TransportSettings settings = ConfigParser.parseIfExists(Path.of("/dev/null"), List.of(), List.of(), List.of())
                .transportSettings();
        MonitorSession.awaitReady(channel.fd(), settings, hostKeys, "");

        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        CoreModuleProperties.PREFERRED_AUTHS.set(client, "password,publickey");
        client.start();
        ClientSession session;
        try (Fd listener = Sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
            ConnectFuture connecting = client.connect("training", "127.0.0.1", Sockets.localAddress(listener).getPort());
            Sockets.Accepted accepted = Sockets.accept(listener, true);
            session = connecting.verify(WAIT).getSession();
            int clientPort = ((InetSocketAddress) session.getIoSession().getLocalAddress()).getPort();
            try (Fd socket = accepted.fd()) {
                if (accepted.peer().getPort() != clientPort) {
                    throw new IllegalStateException("a connection from port " + accepted.peer().getPort()
                            + " came before the training client's (" + clientPort + ")");
                }
                MonitorSession.handOver(channel.fd(), accepted.peer(), accepted.local(), socket);
            }
        }
        TrainingThread.start("training-client", () -> {
            sftpInit(session);
            client.stop();
        });
        answer(channel, hostKeys);
    }

    /** An ed25519 host key made for this run and gone from disk once loaded. */
    private static HostKeys throwawayHostKey() throws Exception {
        Path dir = Files.createTempDirectory("sftpd-training-");
        Path key = dir.resolve("ssh_host_ed25519_key");
        try {
            HostKeys.createMissing(List.of(key));
            return HostKeys.load(List.of(key));
        } finally {
            Files.deleteIfExists(key);
            Files.deleteIfExists(key.resolveSibling(key.getFileName() + ".pub"));
            Files.delete(dir);
        }
    }

    /** What a user's sftp does first: authenticate, open the subsystem, INIT; then hang up. */
    private static void sftpInit(ClientSession session) throws Exception {
        session.addPasswordIdentity("not the password");
        session.addPublicKeyIdentity(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256));
        session.auth().verify(WAIT);
        try (ChannelSubsystem sftp = session.createSubsystemChannel("sftp")) {
            sftp.open().verify(WAIT);
            OutputStream out = sftp.getInvertedIn();
            out.write(SFTP_INIT);
            out.flush();
            InputStream in = sftp.getInvertedOut();
            if (in.readNBytes(SFTP_VERSION.length).length != SFTP_VERSION.length) {
                throw new EOFException("no SFTP version from the relay");
            }
        }
        session.close(false).await(WAIT);
    }

    /** The monitor's answers, until the transport closes its channel at the end of the connection. */
    private static void answer(Fd channel, HostKeys hostKeys) throws Exception {
        while (true) {
            Buffer request;
            try {
                request = Packets.read(channel.fd());
            } catch (EOFException e) {
                return;
            }
            MonitorMessage type = MonitorMessage.of(request.getUByte());
            Buffer reply = switch (type) {
                case LOG -> {
                    request.getUByte(); // level
                    System.err.println(request.getString());
                    yield null;
                }
                case START_REKEX -> Packets.payload(MonitorMessage.OK);
                case SIGN -> {
                    Buffer r = Packets.payload(MonitorMessage.SIGN_REPLY);
                    r.putBytes(hostKeys.sign(request.getString(), request.getBytes(), request.getBytes()).orElseThrow());
                    yield r;
                }
                case AUTH_PASSWORD -> authResult(MonitorCalls.AuthResult.REFUSED);
                case AUTH_PUBKEY -> {
                    request.getString(); // user
                    request.getString(); // service
                    request.getString(); // algorithm
                    request.getBytes(); // key
                    yield authResult(request.getBoolean() ? MonitorCalls.AuthResult.AUTHENTICATED
                            : MonitorCalls.AuthResult.KEY_ACCEPTABLE);
                }
                case ENGINE_START -> Packets.payload(MonitorMessage.ENGINE_STARTED);
                default -> throw new IllegalStateException("training has no answer to " + type);
            };
            if (reply != null) {
                Packets.write(channel.fd(), reply);
            }
            if (type == MonitorMessage.ENGINE_START) {
                try (Fd transportEnd = engine()) {
                    Sockets.sendFd(channel.fd(), transportEnd.fd());
                }
            }
        }
    }

    private static Buffer authResult(MonitorCalls.AuthResult result) {
        Buffer reply = Packets.payload(MonitorMessage.AUTH_RESULT);
        reply.putByte((byte) result.ordinal());
        return reply;
    }

    /** An engine that answers INIT with VERSION and reads to the end; returns the transport's end. */
    private static Fd engine() throws Exception {
        Fd[] pair = Sockets.socketpair();
        Thread engine = new Thread(() -> {
            try (Fd end = pair[0]) {
                byte[] init = new byte[SFTP_INIT.length];
                for (int n = 0; n < init.length; ) {
                    int r = Sockets.read(end.fd(), init, n, init.length - n);
                    if (r == 0) {
                        return;
                    }
                    n += r;
                }
                Sockets.writeFully(end.fd(), SFTP_VERSION, 0, SFTP_VERSION.length);
                while (Sockets.read(end.fd(), init, 0, init.length) > 0) {
                    // Drains until the relay closes.
                }
            } catch (Exception e) {
                // The relay went first: the client has its answer or will report it.
            }
        }, "training-engine");
        engine.setDaemon(true);
        engine.start();
        return pair[1];
    }
}
