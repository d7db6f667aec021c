// MINA SSHD configured as an SFTP-only server for one connection, with the monitor doing the privileged parts.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;
import org.apache.sshd.server.subsystem.SubsystemFactory;

final class TransportServer extends SshServer {
    private Duration clientAliveInterval = Duration.ZERO;
    private int clientAliveCountMax;

    /**
     * MINA's defaults first (random source, timeouts, ...), then everything that is ours. The
     * algorithm lists {@link #configure} sets are left empty in the builder: its defaults ask
     * which algorithms this JVM supports, which loads JCE providers and their policy in every
     * transport, for lists that configure then replaces.
     */
    static TransportServer create(TransportSettings settings, MonitorCalls monitor, List<byte[]> hostKeyBlobs,
                                  String banner) throws IOException {
        TransportServer server = (TransportServer) ServerBuilder.builder().factory(TransportServer::new)
                .cipherFactories(List.of()).macFactories(List.of()).keyExchangeFactories(List.of())
                .signatureFactories(List.of()).compressionFactories(List.of()).build(true);
        server.configure(settings, monitor, hostKeyBlobs);
        if (!banner.isEmpty()) {
            // Banner: sent with the first authentication request, before any method is tried, as sshd's.
            CoreModuleProperties.WELCOME_BANNER.set(server, banner);
        }
        return server;
    }

    private void configure(TransportSettings settings, MonitorCalls monitor, List<byte[]> hostKeyBlobs)
            throws IOException {
        setKeyPairProvider(new PlaceholderKeys(hostKeyBlobs));
        setSignatureFactories(MonitorSignatures.wrap(
                List.copyOf(builtins(settings.hostKeyAlgorithms(), BuiltinSignatures::fromFactoryName)), monitor));
        setCipherFactories(builtins(settings.ciphers(), BuiltinCiphers::fromFactoryName).stream()
                .map(Libcrypto::cipher).toList());
        setMacFactories(builtins(settings.macs(), BuiltinMacs::fromFactoryName).stream().map(Libcrypto::mac).toList());
        setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                builtins(settings.kexAlgorithms(), BuiltinDHFactories::fromFactoryName).stream().map(Libcrypto::kex).toList(),
                ServerBuilder.DH2KEX));
        setCompressionFactories(List.of(BuiltinCompressions.none));
        Map<String, UserAuthFactory> methods = Map.of(
                MonitorPublicKeyAuth.NAME, MonitorPublicKeyAuth.factory(monitor),
                MonitorPasswordAuth.NAME, MonitorPasswordAuth.factory(monitor),
                MonitorKbdIntAuth.NAME, MonitorKbdIntAuth.factory(monitor));
        setUserAuthFactories(settings.methods().stream().map(methods::get).toList());
        if (!settings.authenticationMethods().isEmpty()) {
            // MINA runs the partial-success dance; the monitor enforces the same lists on its side.
            CoreModuleProperties.AUTH_METHODS.set(this, settings.authenticationMethods().stream()
                    .map(list -> String.join(",", list)).collect(Collectors.joining(" ")));
        }
        // The monitor counts failures as sshd does and says when to stop; MINA's own count
        // (which includes "none" and partial successes) must not cut in first.
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(this, 2 * settings.maxAuthTries() + 2);
        if (!settings.loginGraceTime().isZero()) {
            CoreModuleProperties.AUTH_TIMEOUT.set(this, settings.loginGraceTime());
        }
        // direct-tcpip is judged by the monitor (AllowTcpForwarding, PermitOpen, the key's options).
        setChannelFactories(List.of(SftpOnlyChannelSession.FACTORY, DirectTcpipChannel.factory(monitor)));
        // Each session is an engine process; sshd's MaxSessions bounds them per connection.
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(this, settings.maxSessions());
        // Remote forwarding (tcpip-forward), agent, X11 and streamlocal stay refused.
        setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        // hostkeys-prove would ask for a signature over something that is not an exchange hash.
        setGlobalRequestHandlers(ServerBuilder.DEFAULT_GLOBAL_REQUEST_HANDLERS.stream()
                .filter(h -> !(h instanceof OpenSshHostKeysHandler)).toList());
        // What a session request runs is the monitor's decision: the transport only relays it.
        setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return new EngineRelay(monitor, "subsystem", "sftp");
            }
        }));
        setShellFactory(channel -> new EngineRelay(monitor, "shell", ""));
        setCommandFactory((channel, command) -> {
            if (PreauthSession.endsOnNul(channel.getSession(), command)) {
                throw new SshException(SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR, "invalid format");
            }
            return new EngineRelay(monitor, "exec", command);
        });
        CoreModuleProperties.SERVER_IDENTIFICATION.set(this,
                "sftpd_0.1" + settings.versionAddendum().map(a -> " " + a).orElse(""));
        this.clientAliveInterval = settings.clientAliveInterval();
        this.clientAliveCountMax = settings.clientAliveCountMax();
        if (settings.rekeyBytes() > 0) {
            CoreModuleProperties.REKEY_BYTES_LIMIT.set(this, settings.rekeyBytes());
        }
        settings.rekeyTime().ifPresent(t -> CoreModuleProperties.REKEY_TIME_LIMIT.set(this, t));
    }

    /** The server and its session factory, made while the transport waits in the pool, not on the client's time. */
    SessionFactory prepare() throws Exception {
        checkConfig();
        return createSessionFactory();
    }

    /** Each connection's session is a {@link PreauthSession}: sshd's words and haste for protocol errors. */
    @Override
    protected SessionFactory createSessionFactory() {
        return new SessionFactory(this) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
                PreauthSession session = new PreauthSession(getServer(), io);
                ClientAlive.start(session, clientAliveInterval, clientAliveCountMax);
                return session;
            }
        };
    }

    /**
     * Serves the connection on the calling thread until it ends; false when it ended on a protocol
     * error the session logged.
     */
    static boolean serve(SessionFactory sessions, SocketChannel socket, InetSocketAddress remote,
                         InetSocketAddress local) throws Exception {
        InheritedSocketSession io = new InheritedSocketSession(socket, remote, local, sessions);
        io.serve();
        return !(AbstractSession.getSession(io, true) instanceof PreauthSession s && s.failed());
    }

    /**
     * The named algorithms MINA implements, in the configured order. Each is one this JVM
     * supports: the monitor's configuration names no other (dev.sftpd.server.config.Algorithms).
     */
    private static <T extends NamedResource> List<T> builtins(List<String> names, Function<String, T> lookup) {
        return names.stream().map(lookup).filter(Objects::nonNull).toList();
    }
}
