// The monitor's main loop: listens, and for each connection spawns a worker and serves its monitor requests.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.MonitorSession;
import dev.sftpd.monitor.auth.Client;
import dev.sftpd.monitor.auth.ClientName;
import dev.sftpd.monitor.audit.AuditLog;
import dev.sftpd.monitor.audit.ConnectionAudit;
import dev.sftpd.monitor.login.LoginFiles;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.privsep.TransportSettings;
import dev.sftpd.server.config.Config;
import dev.sftpd.transport.TransportMain;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One thread per listening socket accepts; one thread per connection is that connection's
 * monitor. A transport or engine that crashes, misbehaves or is killed ends only its own session.
 * SIGHUP reads the configuration again: new connections get the new one, live ones keep theirs.
 */
final class Daemon implements ControlSocket.Master {
    private static final SshLog log = SshLog.get(Daemon.class);
    private static final int BACKLOG = 128;
    /** How long an accept thread waits before it looks again whether its listener is closing. */
    private static final int ACCEPT_POLL_MILLIS = 500;
    /** The longest a trusted balancer's connection may take to send its PROXY header. */
    private static final Duration PROXY_HEADER_WAIT = Duration.ofSeconds(10);
    /** How a transport ends after logging the protocol error that ended its connection. */
    private static final String SAID_WHY = "exited with status " + TransportMain.PROTOCOL_ERROR;
    /** sshd's signal_is_crash(): SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS. */
    private static final Set<String> CRASHES = Set.of(4, 5, 6, 7, 8, 11, 31).stream()
            .map(signal -> "killed by signal " + signal).collect(Collectors.toUnmodifiableSet());

    /**
     * What new connections are served with: one reading of the configuration and host keys, and
     * what follows from it. A connection is served wholly by the generation its transport was
     * started in, so a reload never changes a connection midway.
     */
    private record Generation(Config config, HostKeys hostKeys, Policy policy, Admission admission,
                              Penalties penalties, String banner) {
        /** A Banner is sent whole in HELLO, well inside a monitor packet. */
        private static final int MAX_BANNER = 32 * 1024;

        static Generation of(ConfigSource.Loaded loaded, boolean logToStderr) {
            Config config = loaded.config();
            // A new table each reading, as sshd's penalties start afresh with its re-execution on SIGHUP.
            Penalties penalties = new Penalties(config.perSourcePenalties(), config.perSourceNetBlockSize(),
                    config.perSourcePenaltyExemptList(), System::nanoTime);
            Admission admission = new Admission(config.maxStartups(), config.perSourceMaxStartups(),
                    config.perSourceNetBlockSize(), penalties, new SecureRandom(), System::nanoTime);
            return new Generation(config, loaded.hostKeys(), Policy.of(loaded.configuration(), logToStderr),
                    admission, penalties, config.banner().map(Generation::banner).orElse(""));
        }

        /** The Banner file's text, read now (the transports cannot read it); none when it cannot be read. */
        private static String banner(Path file) {
            try {
                byte[] text = Files.readAllBytes(file);
                if (text.length > MAX_BANNER) {
                    log.error("Banner %s: larger than %d bytes; no banner is sent", file, MAX_BANNER);
                    return "";
                }
                return new String(text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                log.error("Banner %s: %s; no banner is sent", file, e.getMessage());
                return "";
            }
        }

        /** What its transports get in HELLO (the global configuration, widened for Match). */
        TransportSettings transportSettings() {
            return policy.transportSettings();
        }

        /**
         * Whether a transport started in this generation would be started the same way in that one,
         * and its connection served alike: it is served by the generation it was started in, so
         * the whole configuration transports are started from counts (AllowUsers, say), not only
         * what HELLO tells them.
         */
        boolean startsTransportsAs(Generation other) {
            List<byte[]> mine = hostKeys.publicBlobs();
            List<byte[]> theirs = other.hostKeys.publicBlobs();
            return policy.configuration().forTransports().dump()
                    .equals(other.policy.configuration().forTransports().dump()) && banner.equals(other.banner)
                    && mine.size() == theirs.size()
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
        /** Handed over to a new daemon, which accepts on it too: never shut down, only let go of. */
        volatile boolean shared;

        Listener(InetSocketAddress address, Fd fd, InetSocketAddress bound) {
            this.address = address;
            this.fd = fd;
            this.bound = bound;
        }

        /**
         * Ends the accepting thread, which then closes the descriptor. A socket of our own is shut
         * down, which wakes the thread at once; a shared one is left listening for the new daemon,
         * and the thread notices within one poll.
         */
        void close() {
            closing = true;
            if (!shared) {
                Sockets.shutdown(fd.fd());
            }
        }
    }

    private final Launcher launcher;
    private final boolean logToStderr;
    private final ConfigSource source;
    private final ServiceManager serviceManager;
    private final Successor successor;
    private final LoginRecorder recorder = new LoginRecorder(LoginFiles.SYSTEM);
    /** AuditLog: one file and one writer for every connection; reopened on SIGHUP. */
    private final AuditLog audit;
    private final MonitorMetrics metrics = new MonitorMetrics(new Observed());
    /** TCP byte counts of the connections that have ended; guarded by the sessions' lock with their removal. */
    private long endedReceived;
    private long endedSent;
    private volatile Generation current;
    /**
     * A transport's JDK takes the client socket for a channel only if the socket's family is the
     * one its network stack chose at start, before any connection: so one pool per family listened on.
     */
    private final Map<Family, Pool<Transport>> transports = new ConcurrentHashMap<>();
    private final EnginePool engines;
    /** By configured address; changed only by listen() and reload(), which hold the daemon's lock. */
    private final Map<InetSocketAddress, Listener> listeners = new LinkedHashMap<>();
    /**
     * Live connections by transport pid, so that stopping the daemon can end them and record their
     * logouts, and the control socket can list them.
     */
    private final Map<Integer, Live> sessions = new ConcurrentHashMap<>();
    /** Admitted connections not yet ended, from accept (before they have a transport) to their end. */
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Set by MUX_C_STOP_LISTENING: no listener, no pool, and the daemon exits when the last connection ends. */
    private volatile boolean draining;
    /** The write end of the stand-in main process's stdin, held until this daemon exits (see stepAside). */
    private Fd standInPipe;
    /** Set by serve(): listeners a reload adds before then are started with the others. */
    private boolean serving;
    /** What stop() logs: why the daemon ends. */
    private volatile String ending = "Received signal 15; terminating.";
    private volatile Optional<ControlSocket> control = Optional.empty();
    /** The running daemon this one took its listening sockets from, told to stop once this one serves. */
    private Optional<ControlClient.Takeover> takeover = Optional.empty();

    /**
     * A live connection: its monitor, whence and since when, and the monitor's own descriptor of
     * the client socket, kept until the transport ends so that the kernel's byte counts can be read.
     */
    private static final class Live {
        final MonitorSession session;
        final InetSocketAddress peer;
        final Instant started = Instant.now();
        private Fd client;
        private Sockets.TcpCounters last = new Sockets.TcpCounters(0, 0);

        Live(MonitorSession session, InetSocketAddress peer, Fd client) {
            this.session = session;
            this.peer = peer;
            this.client = client;
        }

        synchronized Sockets.TcpCounters counters() {
            if (client != null) {
                try {
                    last = Sockets.tcpCounters(client);
                } catch (SysCallException | IllegalStateException e) {
                    // Closed by a connection that ended abnormally: the last counts read stand.
                }
            }
            return last;
        }

        /** The transport is gone: the client must see the connection close now, not when the monitor is done. */
        synchronized void clientGone() {
            counters();
            client.close();
            client = null;
        }
    }

    /** What the metrics read when scraped. */
    private final class Observed implements MonitorMetrics.Live {
        @Override
        public int connections() {
            return connections.get();
        }

        @Override
        public int sessions() {
            return sessions.values().stream().mapToInt(l -> l.session.liveSessionPids().size()).sum();
        }

        @Override
        public long receivedBytes() {
            synchronized (sessions) {
                return endedReceived + sessions.values().stream().mapToLong(l -> l.counters().bytesReceived()).sum();
            }
        }

        @Override
        public long sentBytes() {
            synchronized (sessions) {
                return endedSent + sessions.values().stream().mapToLong(l -> l.counters().bytesAcked()).sum();
            }
        }

        @Override
        public Map<String, int[]> pools() {
            Map<String, int[]> pools = new LinkedHashMap<>();
            transports.forEach((family, pool) -> pools.put(family.pool, new int[] {pool.ready(), pool.target()}));
            pools.put("engine", engines.readyAndSize());
            return pools;
        }

        @Override
        public Map<String, Integer> penalisedSources() {
            int[] sources = current.penalties().sources();
            return Map.of("ipv4", sources[0], "ipv6", sources[1]);
        }
    }

    /** Starts a new daemon with this one's command line, for sftpd -O restart; returns its pid. */
    interface Successor {
        int start() throws SysCallException;
    }

    Daemon(ConfigSource.Loaded loaded, ConfigSource source, ServiceManager serviceManager, Launcher launcher,
           boolean logToStderr, Successor successor) throws IOException {
        this.audit = openAuditLog(loaded.config().auditLog());
        this.successor = successor;
        this.serviceManager = serviceManager;
        this.launcher = launcher;
        this.logToStderr = logToStderr;
        this.source = source;
        this.current = Generation.of(loaded, logToStderr);
        for (InetSocketAddress address : loaded.config().listenAddresses()) {
            transports.computeIfAbsent(Family.of(address.getAddress()), this::transportPool);
        }
        this.engines = new EnginePool(launcher, loaded.config().enginePoolSize(), metrics);
    }

    /** AuditLog at start: a file that cannot be opened, or that others could write, keeps the daemon from starting. */
    private static AuditLog openAuditLog(Optional<Path> path) throws IOException {
        try {
            return AuditLog.open(path);
        } catch (IOException e) {
            throw new IOException("AuditLog " + path.orElseThrow() + ": " + e.getMessage(), e);
        }
    }

    private Pool<Transport> transportPool(Family family) {
        return new Pool<>(family.transports, current.config().transportPoolSize(),
                priority -> startTransport(family, priority), t -> Processes.toForeground(t.child().pid()),
                t -> {
                    t.child().kill(false);
                    t.channel().close();
                });
    }

    /**
     * Ends the login records a killed predecessor left open (sessions whose process is gone), binds
     * every ListenAddress (an address that cannot be bound is an error, as for sshd), and starts
     * the first transport and engine: what keeps them from starting is a start-up error.
     * When a daemon already serves at the ControlSocket, its listening sockets are taken over
     * instead (PROTOCOL.control, section 5): this is a restart, and it is told to stop only once
     * this one serves.
     */
    synchronized void listen() throws Exception {
        recorder.endSessionsWhoseProcessIsGone(pid -> Files.exists(Path.of("/proc", Integer.toString(pid))));
        for (Pool<Transport> pool : transports.values()) {
            pool.fill();
        }
        engines.fill();
        Map<InetSocketAddress, Fd> taken = new LinkedHashMap<>();
        takeover = current.config().controlSocket().flatMap(path -> ControlClient.takeOver(path.toString()));
        takeover.ifPresent(t -> taken.putAll(t.sockets()));
        if (takeover.isPresent() && taken.isEmpty()) {
            // A daemon that stopped listening (sftpd -O stop, as systemctl stop and restart run it) and
            // drains its connections: nothing to take over, and the control socket becomes this one's.
            log.info("The daemon with pid %d at ControlSocket %s is draining its connections; this one takes the "
                    + "ControlSocket over.", takeover.get().pid(), current.config().controlSocket().get());
            takeover.get().connection().close();
            takeover = Optional.empty();
        }
        boolean foreign = takeover.isPresent()
                && taken.keySet().stream().noneMatch(current.config().listenAddresses()::contains);
        if (foreign) {
            // Another daemon that merely shares the ControlSocket path: leave it alone, and its socket too.
            log.error("ControlSocket %s belongs to the daemon with pid %d, which listens elsewhere: not replacing "
                    + "it, and running without a control socket", current.config().controlSocket().get(),
                    takeover.get().pid());
            takeover.get().connection().close();
            takeover = Optional.empty();
        }
        for (InetSocketAddress address : current.config().listenAddresses()) {
            Fd fd = taken.remove(address);
            listeners.put(address, fd != null ? adopt(address, fd) : bind(address));
        }
        // Addresses the running daemon listened on that this configuration drops.
        taken.values().forEach(Fd::close);
        if (!foreign) {
            control = openControl(current.config().controlSocket());
        }
        metrics.serveOn(current.config().metricsListenAddress());
    }

    /** A listening socket the running daemon handed over: the same socket, so no connection is refused meanwhile. */
    private static Listener adopt(InetSocketAddress address, Fd fd) throws SysCallException {
        Sockets.setNonBlocking(fd);
        InetSocketAddress bound = Sockets.localAddress(fd);
        log.info("Server listening on %s port %d (taken over).", Addresses.text(bound.getAddress()), bound.getPort());
        return new Listener(address, fd, bound);
    }

    /** ControlSocket PATH, or none; a socket that cannot be made is an error, the daemon serves on without it. */
    private Optional<ControlSocket> openControl(Optional<Path> path) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ControlSocket.open(path.get(), this));
        } catch (IOException | SysCallException e) {
            log.error("ControlSocket %s: %s", path.get(), e.getMessage());
            return Optional.empty();
        }
    }

    private static Listener bind(InetSocketAddress address) throws SysCallException {
        Fd fd = Sockets.listen(address, BACKLOG);
        try {
            Sockets.setNonBlocking(fd);
        } catch (SysCallException e) {
            fd.close();
            throw e;
        }
        InetSocketAddress bound = Sockets.localAddress(fd);
        log.info("Server listening on %s port %d.", Addresses.text(bound.getAddress()), bound.getPort());
        return new Listener(address, fd, bound);
    }

    /** A transport, jailed and unprivileged, that has loaded what a connection needs and is waiting for one. */
    private Transport startTransport(Family family, Launcher.Priority priority) throws Exception {
        return metrics.spawned("transport", () -> spawnTransport(family, priority));
    }

    private Transport spawnTransport(Family family, Launcher.Priority priority) throws Exception {
        Generation generation = current;
        Fd[] pair = Sockets.socketpair();
        Launcher.Child child;
        try (Fd transportEnd = pair[1]) {
            child = launcher.spawnTransport(transportEnd, family, priority);
        }
        try {
            MonitorSession.awaitReady(pair[0].fd(), generation.transportSettings(), generation.hostKeys(),
                    generation.banner());
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
            serving = true;
            listeners.values().forEach(this::startAccepting);
            serviceManager.ready(listening());
        }
        // Only now, with this daemon accepting, does the one it replaces stop.
        takeover.ifPresent(ControlClient.Takeover::finish);
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
        if (draining) {
            log.info("Not listening any more: nothing to reload.");
            return false;
        }
        serviceManager.reloading();
        boolean reloaded = switchConfiguration();
        // logrotate renames the file and sends SIGHUP: reopened whether or not the configuration changed.
        audit.reopen(current.config().auditLog());
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
            if (serving) {
                startAccepting(l);
            }
        });
        if (!next.config().controlSocket().equals(previous.config().controlSocket())) {
            control.ifPresent(ControlSocket::close);
            control = openControl(next.config().controlSocket());
        }
        try {
            metrics.serveOn(next.config().metricsListenAddress());
        } catch (IOException e) {
            log.error("%s; serving no metrics", e.getMessage());
        }
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
        while (!listener.closing) {
            Sockets.Accepted conn;
            try {
                if (!Sockets.awaitReadable(listener.fd, ACCEPT_POLL_MILLIS)) {
                    continue;
                }
                conn = Sockets.accept(listener.fd, current.config().tcpKeepAlive());
            } catch (SysCallException e) {
                // EAGAIN: the other daemon sharing a handed-over socket took the connection first.
                if (!listener.closing && !Sockets.wouldBlock(e)) {
                    log.error("accept: %s", e.getMessage());
                }
                continue;
            }
            Generation generation = current;
            boolean proxied = generation.config().proxyProtocol().trusts(conn.peer().getAddress());
            Admission.Decision decision = proxied ? generation.admission().admitFromBalancer(conn.peer(), conn.local())
                    : generation.admission().admit(conn.peer(), conn.local());
            if (!admitted(decision, conn.fd())) {
                continue;
            }
            Admission.Ticket ticket = decision.ticket().get();
            connections.incrementAndGet();
            new Thread(() -> {
                try (ticket) {
                    connection(conn, ticket, proxied);
                } finally {
                    connectionEnded();
                }
            }, "monitor-" + conn.peer()).start();
        }
        log.info(listener.shared ? "No longer accepting on %s port %d: the new daemon has it."
                : "Server no longer listening on %s port %d.", Addresses.text(listener.bound.getAddress()),
                listener.bound.getPort());
        listener.fd.close();
    }

    /** Logs what admission said; a refused connection is counted, hears sshd's refusal and is closed. */
    private boolean admitted(Admission.Decision decision, Fd client) {
        decision.log().forEach(line -> log.relay(line.level(), line.text()));
        if (decision.ticket().isPresent()) {
            return true;
        }
        if (decision.penalised()) {
            metrics.connection("penalty");
        } else {
            metrics.maxStartupsDrop();
        }
        try (Fd fd = client) {
            byte[] refusal = (decision.penalised() ? Admission.PENALISED : Admission.REFUSAL)
                    .getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(fd.fd(), refusal, 0, refusal.length);
        } catch (SysCallException e) {
            // The client went first: nothing to tell it.
        }
        return false;
    }

    /**
     * ProxyProtocol: a connection from a trusted balancer begins with a PROXY header, read here,
     * in the connection's own thread, within LoginGraceTime from the accept (and never longer than
     * {@link #PROXY_HEADER_WAIT}: a balancer sends it at once). The client it names is the
     * connection's from then on, and its per-source limit is decided now; a health check (LOCAL,
     * UNKNOWN) is the balancer's own connection. Empty when the connection has ended, logged.
     */
    private Optional<Sockets.Accepted> proxiedClient(Sockets.Accepted conn, Admission.Ticket ticket, long accepted) {
        Duration grace = current.config().loginGraceTime();
        Duration wait = grace.isZero() || grace.compareTo(PROXY_HEADER_WAIT) > 0 ? PROXY_HEADER_WAIT : grace;
        InetSocketAddress balancer = conn.peer();
        ProxyHeader header;
        try {
            header = ProxyHeader.read(conn.fd(), accepted + wait.toNanos());
        } catch (ProxyHeader.Refused e) {
            log.error("Bad PROXY protocol header from %s port %d: %s", Addresses.text(balancer.getAddress()),
                    balancer.getPort(), e.getMessage());
            conn.fd().close();
            return Optional.empty();
        }
        Sockets.Accepted client = header.endpoints()
                .map(e -> new Sockets.Accepted(conn.fd(), e.source(), e.destination())).orElse(conn);
        log.verbose("PROXY protocol header from %s port %d: %s", Addresses.text(balancer.getAddress()),
                balancer.getPort(), header.endpoints().isEmpty() ? "LOCAL, the balancer's own connection"
                        : "client " + Addresses.text(client.peer().getAddress()) + " port " + client.peer().getPort());
        return admitted(ticket.from(client.peer(), client.local()), conn.fd()) ? Optional.of(client) : Optional.empty();
    }

    /**
     * One connection's monitor. Through a trusted balancer, the client its PROXY header names is
     * the {@code peer} and what it connected to the {@code local} everything from here on sees;
     * only the pool is chosen by the socket's own family.
     */
    private void connection(Sockets.Accepted socket, Admission.Ticket ticket, boolean proxied) {
        long accepted = System.nanoTime();
        Optional<Sockets.Accepted> named = proxied ? proxiedClient(socket, ticket, accepted) : Optional.of(socket);
        if (named.isEmpty()) {
            return;
        }
        Sockets.Accepted conn = named.get();
        // A balancer's health check (LOCAL, UNKNOWN) never logs in: its source earns no penalty.
        boolean healthCheck = proxied && conn == socket;
        InetSocketAddress peer = conn.peer();
        log.verbose("Connection from %s port %d on %s port %d", Addresses.text(peer.getAddress()), peer.getPort(),
                Addresses.text(conn.local().getAddress()), conn.local().getPort());
        ConnectionAudit trail = audit.connection(peer, conn.local());
        Transport transport;
        Fd client = conn.fd();
        try {
            TransportWait wait = new TransportWait(client, peer, current.config().loginGraceTime(), accepted);
            boolean expired;
            try {
                transport = transports.get(Family.of(socket.local().getAddress())).take();
            } finally {
                expired = wait.end();
            }
            if (expired) {
                // The connection's MaxStartups slot is free only now, as the wait is over.
                transport.child().kill(false);
                transport.channel().close();
                client.close();
                log.info("Connection closed by %s port %d [preauth]", Addresses.text(peer.getAddress()),
                        peer.getPort());
                trail.disconnected();
                ended(peer, MonitorSession.Outcome.LOGIN_GRACE_EXCEEDED, false, healthCheck);
                return;
            }
            MonitorSession.handOver(transport.channel().fd(), peer, conn.local(), client);
            metrics.handedOver("transport", accepted);
        } catch (Exception e) {
            client.close();
            log.error("cannot start a transport for %s port %d: %s", Addresses.text(peer.getAddress()),
                    peer.getPort(), e.getMessage());
            trail.disconnected();
            metrics.connection("error");
            return;
        }
        int pid = transport.child().pid();
        log.verbose("transport %d serves %s port %d", pid, Addresses.text(peer.getAddress()), peer.getPort());
        try (Fd channel = transport.channel(); client) {
            Generation g = transport.generation();
            // sshd's remote_hostname(): once, in this connection's monitor thread, within LoginGraceTime.
            Client remote = g.config().useDns() ? ClientName.verified(peer.getAddress(), g.config().loginGraceTime())
                    : Client.of(peer.getAddress());
            MonitorSession session = new MonitorSession(channel.fd(), pid, peer, remote, g.hostKeys(),
                    g.policy().auth(), g.policy().sessions(), g.policy().matched(remote, conn.local()), engines,
                    recorder, ticket::authenticated, trail, metrics);
            Live live = new Live(session, peer, client);
            sessions.put(pid, live);
            boolean violation = session.run(accepted) == MonitorSession.End.VIOLATION;
            if (violation) {
                transport.child().kill(false);
            }
            String status = transport.child().exited().join();
            live.clientGone();
            if (!status.equals("exited with status 0")) {
                log.verbose("transport %d for %s port %d %s", pid, Addresses.text(peer.getAddress()), peer.getPort(),
                        status);
            }
            session.finish(status.equals(SAID_WHY));
            synchronized (sessions) {
                Sockets.TcpCounters bytes = live.counters();
                endedReceived += bytes.bytesReceived();
                endedSent += bytes.bytesAcked();
                sessions.remove(pid);
            }
            ended(peer, session.outcome(), violation || CRASHES.contains(status), healthCheck);
        }
    }

    /**
     * A connection ended: counted by outcome, and its source penalised as sshd's listener penalises
     * it for its child's exit (srclimit_penalise()); as there, nothing after authentication. A
     * transport that crashed or broke the monitor protocol (sshd's unprivileged child crashing)
     * counts as a crash. A balancer's health check is never penalised: every client behind it would
     * pay for it.
     */
    private void ended(InetSocketAddress peer, MonitorSession.Outcome outcome, boolean crashed, boolean healthCheck) {
        metrics.connection(crashed ? "crash" : outcome.name().toLowerCase(Locale.ROOT));
        if (outcome == MonitorSession.Outcome.AUTHENTICATED || healthCheck) {
            return;
        }
        Penalties.Kind kind = crashed ? Penalties.Kind.CRASH : switch (outcome) {
            case FAILED_AUTHENTICATION -> Penalties.Kind.AUTHFAIL;
            case LOGIN_GRACE_EXCEEDED -> Penalties.Kind.GRACE_EXCEEDED;
            default -> Penalties.Kind.NOAUTH;
        };
        Penalties.Penalised penalised = current.penalties().penalise(peer.getAddress(), kind);
        penalised.log().forEach(line -> log.relay(line.level(), line.text()));
        if (penalised.recorded()) {
            metrics.penalty(kind);
        }
    }

    private void connectionEnded() {
        int left = connections.decrementAndGet();
        if (draining) {
            serviceManager.status("Not listening; " + left + " connections left");
            if (left == 0) {
                exit("The last connection has ended; exiting.");
            }
        }
    }

    /** Ends serve(): main returns, and the shutdown hook runs stop(), which logs why. */
    private void exit(String why) {
        ending = why;
        finished.countDown();
    }

    @Override
    public List<ControlSocket.Connection> connections() {
        return sessions.entrySet().stream().map(e -> {
            Live live = e.getValue();
            Sockets.TcpCounters bytes = live.counters();
            List<ControlSocket.Session> sftp = live.session.liveSessionPids().stream()
                    .map(p -> new ControlSocket.Session(p, Processes.children(p).stream().findFirst().orElse(0)))
                    .toList();
            return new ControlSocket.Connection(e.getKey(), live.session.user().orElse(""),
                    Addresses.text(live.peer.getAddress()), live.peer.getPort(), live.started.getEpochSecond(),
                    bytes.bytesReceived(), bytes.bytesAcked(), sftp);
        }).toList();
    }

    @Override
    public synchronized Map<InetSocketAddress, Fd> listeningSockets() {
        Map<InetSocketAddress, Fd> sockets = new LinkedHashMap<>();
        if (!draining) {
            listeners.forEach((address, listener) -> sockets.put(address, listener.fd));
        }
        return sockets;
    }

    @Override
    public synchronized OptionalInt restart() {
        if (draining) {
            return OptionalInt.empty();
        }
        try {
            int pid = successor.start();
            log.info("Started a new daemon, pid %d, to take over at the control socket's request.", pid);
            return OptionalInt.of(pid);
        } catch (SysCallException e) {
            log.error("cannot start a new daemon: %s", e.getMessage());
            return OptionalInt.empty();
        }
    }

    @Override
    public synchronized void handedOver(int pid) {
        // The new daemon is the service's main process now: this one's STOPPING=1 would stop the unit.
        serviceManager.handOff(pid);
        listeners.values().forEach(l -> l.shared = true);
        log.info("Handed %d listening sockets to the daemon with pid %d, which now accepts on them too.",
                listeners.size(), pid);
    }

    @Override
    public void terminate() {
        exit("Received terminate request on the control socket; terminating.");
    }

    /**
     * No more connections: the listeners close and the pools end (a live connection that opens
     * another sftp session starts its engine on demand); the daemon exits once the last
     * connection has ended. The control socket stays, so an administrator can watch the drain.
     */
    @Override
    public synchronized void stopListening() {
        if (draining) {
            return;
        }
        draining = true;
        listeners.values().forEach(Listener::close);
        listeners.clear();
        transports.values().forEach(Pool::stop);
        engines.stop();
        int left = connections.get();
        log.info("Stopped listening at the control socket's request; exiting when the last of %d connections ends.",
                left);
        serviceManager.status("Not listening; " + left + " connections left");
        if (left > 0 && serviceManager.speaksForService()) {
            stepAside(left);
        }
    }

    @Override
    public void exitIfIdle() {
        if (connections.get() == 0) {
            exit("No connection left; exiting.");
        }
    }

    /**
     * Under systemd, with connections left: a stand-in becomes the service's main process, so that
     * the SIGTERM systemctl stop or restart sends after ExecStop (sftpd -O stop) ends it, not the
     * sessions (KillMode=process leaves this daemon running in the unit's cgroup, as it leaves
     * sshd's sessions). A restart's new daemon binds the ports this one has closed. The stand-in
     * lives as long as this daemon, so a stop asked for by hand leaves the unit active until the
     * last connection here ends.
     */
    private void stepAside(int left) {
        try {
            Fd[] pipe = Sockets.pipe();
            try (Fd standInEnd = pipe[0]) {
                Launcher.Child standIn = launcher.spawnStandIn(standInEnd);
                standInPipe = pipe[1];
                serviceManager.stepAside(standIn.pid(), "Not listening; pid " + Processes.getpid() + " drains "
                        + left + " connections");
                log.info("The service's main process is now %d, a stand-in: stopping or restarting the service "
                        + "leaves the %d connections here to finish.", standIn.pid(), left);
            }
        } catch (SysCallException e) {
            log.error("cannot start a stand-in main process: %s; stopping the service ends the connections here",
                    e.getMessage());
        }
    }

    /**
     * SIGTERM: one monitor serves every connection, so when it goes its sessions go too; each
     * transport and engine is killed and its logout recorded, rather than left serving with no
     * one to record its end.
     */
    void stop() {
        log.info("%s", ending);
        serviceManager.stopping("Stopping: ending " + sessions.size() + " connections");
        control.ifPresent(ControlSocket::close);
        metrics.close();
        transports.values().forEach(Pool::stop);
        engines.stop();
        sessions.forEach((pid, live) -> {
            try {
                Processes.kill(pid, 9);
            } catch (SysCallException e) {
                log.debug1("kill %d: %s", pid, e.getMessage());
            }
            live.session.kill();
        });
        audit.close();
    }
}
