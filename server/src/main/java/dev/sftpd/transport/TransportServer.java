// MINA SSHD configured as an SFTP-only server for one inherited connection, with the monitor doing the privileged parts.
package dev.sftpd.worker;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.ServerOptions;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.subsystem.SubsystemFactory;

final class WorkerServer extends SshServer {
    /** Set on the session once the worker has become the authenticated user. */
    static final AttributeKey<Accounts.User> USER = new AttributeKey<>();
    /**
     * Set when the key or certificate that authenticated forces a command: the sftp flags it
     * names, or empty for a command other than sftp, which this server cannot run.
     */
    static final AttributeKey<Optional<ServerOptions>> FORCED = new AttributeKey<>();

    /** Runs right after authentication, before any channel: AUTH_CONTEXT, the privilege drop, the login record. */
    interface AfterAuthentication {
        Accounts.User become(ServerSession session) throws Exception;
    }

    private Accounts accounts;
    /** ForceCommand internal-sftp from the configuration. */
    private Optional<ServerOptions> forceCommand = Optional.empty();

    /** MINA's defaults first (random source, timeouts, ...), then everything that is ours. */
    static WorkerServer create(WorkerSettings settings, MonitorCalls monitor, List<byte[]> hostKeyBlobs,
                               AfterAuthentication afterAuthentication) throws IOException {
        WorkerServer server = (WorkerServer) ServerBuilder.builder().factory(WorkerServer::new).build(true);
        server.configure(settings, monitor, hostKeyBlobs, afterAuthentication);
        return server;
    }

    private void configure(WorkerSettings settings, MonitorCalls monitor, List<byte[]> hostKeyBlobs,
                           AfterAuthentication afterAuthentication) throws IOException {
        accounts = new MonitorAccounts(monitor);
        forceCommand = settings.forceCommand();
        setKeyPairProvider(new PlaceholderKeys(hostKeyBlobs));
        setSignatureFactories(MonitorSignatures.wrap(
                List.copyOf(builtins(settings.hostKeyAlgorithms(), BuiltinSignatures::fromFactoryName)), monitor));
        setCipherFactories(List.copyOf(builtins(settings.ciphers(), BuiltinCiphers::fromFactoryName)));
        setMacFactories(List.copyOf(builtins(settings.macs(), BuiltinMacs::fromFactoryName)));
        setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                builtins(settings.kexAlgorithms(), BuiltinDHFactories::fromFactoryName), ServerBuilder.DH2KEX));
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
        setChannelFactories(List.of(SftpOnlyChannelSession.FACTORY));
        setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        // hostkeys-prove would ask for a signature over something that is not an exchange hash.
        setGlobalRequestHandlers(ServerBuilder.DEFAULT_GLOBAL_REQUEST_HANDLERS.stream()
                .filter(h -> !(h instanceof OpenSshHostKeysHandler)).toList());
        setSubsystemFactories(List.of(new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return session(channel, settings.sftp());
            }
        }));
        setShellFactory(channel -> session(channel, Optional.empty()));
        setCommandFactory((channel, command) -> session(channel, Optional.empty()));
        CoreModuleProperties.SERVER_IDENTIFICATION.set(this, "sftpd_0.1");
        if (settings.rekeyBytes() > 0) {
            CoreModuleProperties.REKEY_BYTES_LIMIT.set(this, settings.rekeyBytes());
        }
        settings.rekeyTime().ifPresent(t -> CoreModuleProperties.REKEY_TIME_LIMIT.set(this, t));
        addSessionListener(new SessionListener() {
            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    ServerSession s = (ServerSession) session;
                    try {
                        s.setAttribute(USER, afterAuthentication.become(s));
                    } catch (Exception e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
            }
        });
    }

    /** Serves the connection on the calling thread until it ends. */
    void serve(SocketChannel socket) throws Exception {
        checkConfig();
        new InheritedSocketSession(socket, createSessionFactory()).serve();
    }

    /**
     * What a session request gets, in sshd's order: ForceCommand from the configuration, then a
     * command forced by the key or certificate, then the request itself (sftp for the subsystem,
     * a refusal for a shell or command).
     */
    private Command session(ChannelSession channel, Optional<ServerOptions> requested) {
        if (forceCommand.isPresent()) {
            return sftp(channel, forceCommand);
        }
        Optional<ServerOptions> forced = channel.getSession().getAttribute(FORCED);
        return sftp(channel, forced != null ? forced : requested);
    }

    /** The sftp engine with these flags, or the refusal when there are none (no sftp for this request). */
    private Command sftp(ChannelSession channel, Optional<ServerOptions> options) {
        Accounts.User user = channel.getSession().getAttribute(USER);
        if (options.isEmpty() || user == null) {
            return new RefusedCommand();
        }
        String client = channel.getSession().getClientAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() : "UNKNOWN";
        return new SftpCommand(options.get(), accounts, user, client);
    }

    /** The named algorithms MINA implements, in the configured order. */
    private static <T extends NamedResource & OptionalFeature> List<T> builtins(List<String> names,
                                                                                 Function<String, T> lookup) {
        return names.stream().map(lookup).filter(Objects::nonNull).filter(OptionalFeature::isSupported).toList();
    }
}
