// The monitor's main loop: listens, and for each connection spawns a worker and serves its monitor requests.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.AuthSettings;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.MonitorSession;
import dev.sftpd.monitor.SessionSettings;
import dev.sftpd.monitor.login.LoginFiles;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.InternalSftp;
import dev.sftpd.transport.TransportMain;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One thread per listening socket accepts; one thread per connection is that connection's
 * monitor. A transport or engine that crashes, misbehaves or is killed ends only its own session.
 * SIGHUP reads the configuration again: new connections get the new one, live ones keep theirs.
 */
final class Daemon {
    private static final SshLog log = SshLog.get(Daemon.class);
    private static final int BACKLOG = 128;
    /** How a transport ends after logging the protocol error that ended its connection. */
    private static final String SAID_WHY = "exited with status " + TransportMain.PROTOCOL_ERROR;

    /**
     * What new connections are served with: one reading of the configuration and host keys, and
     * what follows from it. A connection is served wholly by the generation its transport was
     * started in, so a reload never changes a connection midway.
     *
     * @param effectiveConfig the -T dump a transport is started with (its HELLO)
     */
    private record Generation(Config config, HostKeys hostKeys, AuthSettings auth, SessionSettings sessionSettings,
                              String effectiveConfig, Admission admission) {
        static Generation of(ConfigSource.Loaded loaded, boolean logToStderr) {
            Config config = loaded.config();
            AuthSettings auth = new AuthSettings(config.pubkeyAuthentication(), config.passwordAuthentication(),
                    config.kbdInteractiveAuthentication(), config.usePam(), config.permitEmptyPasswords(),
                    config.permitRootLogin(), config.accessRules(), config.authenticationMethodNames(),
                    config.maxAuthTries(), config.loginGraceTime(), config.strictModes(),
                    a -> config.authorizedKeysFiles(a.name(), a.uid(), a.home()),
                    config.trustedUserCaKeys().map(List::of).orElse(List.of()),
                    a -> config.authorizedPrincipalsFile(a.name(), a.uid(), a.home()));
            List<String> logFlags = new ArrayList<>(List.of("-l", config.logLevel().name(), "-f",
                    config.syslogFacility().name()));
            if (logToStderr) {
                logFlags.add("-e");
            }
            SessionSettings sessionSettings = new SessionSettings(config.sftpSubsystem().flags(),
                    config.forceCommand().map(InternalSftp::flags), List.copyOf(logFlags), config.maxSessions());
            Admission admission = new Admission(config.maxStartups(), config.perSourceMaxStartups(),
                    config.perSourceNetBlockSize(), new SecureRandom(), System::nanoTime);
            return new Generation(config, loaded.hostKeys(), auth, sessionSettings, config.dump(), admission);
        }

        /** Whether a transport started in this generation would be started the same way in that one. */
        boolean startsTransportsAs(Generation other) {
            List<byte[]> mine = hostKeys.publicBlobs();
            List<byte[]> theirs = other.hostKeys.publicBlobs();
            return effectiveConfig.equals(other.effectiveConfig) && mine.size() == theirs.size()
                    && IntStream.range(0, mine.size()).allMatch(i -> Arrays.equals(mine.get(i), theirs.get(i)));
        }
    }

    /** A pre-started transport: the process, the monitor's end of its channel, and what it was started with. */
    private record Transport(Launcher.Child child, Fd channel, Generation generation) {}

    /** A listening socket and its accepting thread; closing it ends the thread, which then closes the socket. */
    private static final class Listener {
        final InetSocketAddress address;
        final Fd fd;
        final InetSocketAddress bound;
        volatile boolean closing;

        Listener(InetSocketAddress address, Fd fd, InetSocketAddress bound) {
            this.address = address;
            this.fd = fd;
            this.bound = bound;
        }

        void close() {
            closing = true;
            // Wakes the accepting thread: a listening socket shut down fails accept with EINVAL.
            Sockets.shutdown(fd.fd());
        }
    }

    private final Launcher launcher;
    private final boolean logToStderr;
    private final ConfigSource source;
    private final ServiceManager serviceManager;
    private final LoginRecorder recorder = new LoginRecorder(LoginFiles.SYSTEM);
    private volatile Generation current;
    /**
     * A transport's JDK takes the client socket for a channel only if the socket's family is the
     * one its network stack chose at start, before any connection: so one pool per family listened on.
     */
    private final Map<Family, Pool<Transport>> transports = new ConcurrentHashMap<>();
    private final EnginePool engines;
    /** By configured address; changed only by listen() and reload(), which hold the daemon's lock. */
    private final Map<InetSocketAddress, Listener> listeners = new LinkedHashMap<>();
    /** Live connections by transport pid, so that stopping the daemon can end them and record their logouts. */
    private final Map<Integer, MonitorSession> sessions = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    Daemon(ConfigSource.Loaded loaded, ConfigSource source, ServiceManager serviceManager, Launcher launcher,
           boolean logToStderr) {
        this.serviceManager = serviceManager;
        this.launcher = launcher;
        this.logToStderr = logToStderr;
        this.source = source;
        this.current = Generation.of(loaded, logToStderr);
        for (InetSocketAddress address : loaded.config().listenAddresses()) {
            transports.computeIfAbsent(Family.of(address.getAddress()), this::transportPool);
        }
        this.engines = new EnginePool(launcher, loaded.config().enginePoolSize());
    }

    private Pool<Transport> transportPool(Family family) {
        return new Pool<>(family.transports, current.config().transportPoolSize(), () -> startTransport(family),
                t -> {
                    t.child().kill(false);
                    t.channel().close();
                });
    }

    /**
     * Binds every ListenAddress (an address that cannot be bound is an error, as for sshd), and
     * starts the first transport and engine: what keeps them from starting is a start-up error.
     */
    synchronized void listen() throws Exception {
        for (Pool<Transport> pool : transports.values()) {
            pool.fill();
        }
        engines.fill();
        for (InetSocketAddress address : current.config().listenAddresses()) {
            listeners.put(address, bind(address));
        }
    }

    private static Listener bind(InetSocketAddress address) throws SysCallException {
        Fd fd = Sockets.listen(address, BACKLOG);
        InetSocketAddress bound = Sockets.localAddress(fd);
        log.info("Server listening on %s port %d.", Addresses.text(bound.getAddress()), bound.getPort());
        return new Listener(address, fd, bound);
    }

    /** A transport, jailed and unprivileged, that has loaded what a connection needs and is waiting for one. */
    private Transport startTransport(Family family) throws Exception {
        Generation generation = current;
        Fd[] pair = Sockets.socketpair();
        Launcher.Child child;
        try (Fd transportEnd = pair[1]) {
            child = launcher.spawnTransport(transportEnd, family);
        }
        try {
            MonitorSession.awaitReady(pair[0].fd(), generation.effectiveConfig(), generation.hostKeys());
            return new Transport(child, pair[0], generation);
        } catch (Exception e) {
            child.kill(false);
            pair[0].close();
            throw new IllegalStateException("transport " + child.pid() + " did not start: " + e.getMessage() + " ("
                    + child.exited().get() + ")", e);
        }
    }

    /** Accepts on every listener until the daemon is told to stop. */
    void serve() throws InterruptedException {
        synchronized (this) {
            listeners.values().forEach(this::startAccepting);
            serviceManager.ready(listening());
        }
        finished.await();
    }

    private void startAccepting(Listener listener) {
        new Thread(() -> acceptLoop(listener), "accept-" + listener.fd.fd()).start();
    }

    /**
     * SIGHUP: the configuration file and host keys read again with the command line's flags. A
     * configuration that does not parse, a host key that does not load or an address that cannot be
     * bound leaves everything as it was; otherwise new connections
     * get the new configuration, live ones go on untouched, listeners follow Port and ListenAddress,
     * and ready transports started with the old settings are replaced.
     *
     * The service manager hears RELOADING=1 first and READY=1 when it is over, either way.
     *
     * @return whether the new configuration is in use
     */
    synchronized boolean reload() {
        serviceManager.reloading();
        boolean reloaded = switchConfiguration();
        serviceManager.ready(reloaded ? listening() : "Configuration not reloaded, see the log. " + listening());
        return reloaded;
    }

    private boolean switchConfiguration() {
        ConfigSource.Loaded loaded;
        try {
            loaded = source.load();
        } catch (ConfigSource.Refused e) {
            e.errors().forEach(line -> log.error("%s", line));
            log.error("%s: %d bad configuration options; not reloaded, still serving with the previous configuration",
                    source.describe(), e.errors().size());
            return false;
        }
        Generation next = Generation.of(loaded, logToStderr);
        Map<InetSocketAddress, Listener> bound = new LinkedHashMap<>();
        try {
            for (InetSocketAddress address : next.config().listenAddresses()) {
                if (!listeners.containsKey(address)) {
                    bound.put(address, bind(address));
                }
            }
        } catch (SysCallException e) {
            bound.values().forEach(l -> l.fd.close());
            log.error("%s: %s; not reloaded, still serving with the previous configuration", source.describe(),
                    e.getMessage());
            return false;
        }
        Generation previous = current;
        current = next;
        Set<Family> families = next.config().listenAddresses().stream().map(a -> Family.of(a.getAddress()))
                .collect(Collectors.toSet());
        Set<Family> existing = Set.copyOf(transports.keySet());
        for (Family family : families) {
            transports.computeIfAbsent(family, f -> {
                Pool<Transport> pool = transportPool(f);
                pool.startRefilling();
                return pool;
            });
        }
        for (Map.Entry<Family, Pool<Transport>> pool : Map.copyOf(transports).entrySet()) {
            if (!families.contains(pool.getKey())) {
                transports.remove(pool.getKey()).stop();
            } else {
                pool.getValue().resize(next.config().transportPoolSize());
                if (existing.contains(pool.getKey()) && !previous.startsTransportsAs(next)) {
                    pool.getValue().retire();
                }
            }
        }
        engines.resize(next.config().enginePoolSize());
        for (Listener old : List.copyOf(listeners.values())) {
            if (!next.config().listenAddresses().contains(old.address)) {
                listeners.remove(old.address).close();
            }
        }
        bound.values().forEach(l -> {
            listeners.put(l.address, l);
            startAccepting(l);
        });
        log.info("Reloaded %s: new connections use it; %d live connections go on as they were", source.describe(),
                sessions.size());
        return true;
    }

    /** For STATUS=: "Listening on 127.0.0.1 port 22, [::1] port 22". */
    private String listening() {
        return "Listening on " + listeners.values().stream()
                .map(l -> Addresses.text(l.bound.getAddress()) + " port " + l.bound.getPort())
                .collect(Collectors.joining(", "));
    }

    /** The configuration new connections get: log settings and the pid file follow a reload. */
    Config config() {
        return current.config();
    }

    /**
     * Admission is decided here, before any thread or process is spent on the connection: one
     * past MaxStartups or PerSourceMaxStartups hears sshd's refusal and is closed.
     */
    private void acceptLoop(Listener listener) {
        while (true) {
            Sockets.Accepted conn;
            try {
                conn = Sockets.accept(listener.fd);
            } catch (SysCallException e) {
                if (listener.closing) {
                    break;
                }
                log.error("accept: %s", e.getMessage());
                continue;
            }
            Admission.Decision decision = current.admission().admit(conn.peer(), conn.local());
            decision.log().forEach(line -> log.relay(line.level(), line.text()));
            if (decision.ticket().isEmpty()) {
                refuse(conn);
                continue;
            }
            Admission.Ticket ticket = decision.ticket().get();
            new Thread(() -> {
                try (ticket) {
                    connection(conn, ticket);
                }
            }, "monitor-" + conn.peer()).start();
        }
        log.info("Server no longer listening on %s port %d.", Addresses.text(listener.bound.getAddress()),
                listener.bound.getPort());
        listener.fd.close();
    }

    private static void refuse(Sockets.Accepted conn) {
        try (Fd fd = conn.fd()) {
            byte[] refusal = Admission.REFUSAL.getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(fd.fd(), refusal, 0, refusal.length);
        } catch (SysCallException e) {
            // The client went first: nothing to tell it.
        }
    }

    private void connection(Sockets.Accepted conn, Admission.Ticket ticket) {
        InetSocketAddress peer = conn.peer();
        log.verbose("Connection from %s port %d on %s port %d", Addresses.text(peer.getAddress()), peer.getPort(),
                Addresses.text(conn.local().getAddress()), conn.local().getPort());
        Transport transport;
        try (Fd client = conn.fd()) {
            transport = transports.get(Family.of(conn.local().getAddress())).take();
            MonitorSession.handOver(transport.channel().fd(), peer, conn.local(), client);
        } catch (Exception e) {
            log.error("cannot start a transport for %s port %d: %s", Addresses.text(peer.getAddress()),
                    peer.getPort(), e.getMessage());
            return;
        }
        int pid = transport.child().pid();
        log.verbose("transport %d serves %s port %d", pid, Addresses.text(peer.getAddress()), peer.getPort());
        try (Fd channel = transport.channel()) {
            Generation g = transport.generation();
            MonitorSession session = new MonitorSession(channel.fd(), pid, peer, g.hostKeys(), g.auth(),
                    g.sessionSettings(), engines, recorder, ticket::authenticated);
            sessions.put(pid, session);
            if (session.run() == MonitorSession.End.VIOLATION) {
                transport.child().kill(false);
            }
            String status = transport.child().exited().join();
            if (!status.equals("exited with status 0")) {
                log.verbose("transport %d for %s port %d %s", pid, Addresses.text(peer.getAddress()), peer.getPort(),
                        status);
            }
            session.finish(status.equals(SAID_WHY));
            sessions.remove(pid);
        }
    }

    /**
     * SIGTERM: one monitor serves every connection, so when it goes its sessions go too; each
     * transport and engine is killed and its logout recorded, rather than left serving with no
     * one to record its end.
     */
    void stop() {
        log.info("Received signal 15; terminating.");
        serviceManager.stopping("Stopping: ending " + sessions.size() + " connections");
        transports.values().forEach(Pool::stop);
        engines.stop();
        sessions.forEach((pid, session) -> {
            try {
                Processes.kill(pid, 9);
            } catch (SysCallException e) {
                log.debug1("kill %d: %s", pid, e.getMessage());
            }
            session.kill();
        });
    }
}
