// The monitor's main loop: listens, and for each connection spawns a worker and serves its monitor requests.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.MonitorSession;
import dev.sftpd.monitor.login.LoginFiles;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigException;
import dev.sftpd.server.config.Configuration;
import dev.sftpd.transport.TransportMain;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One thread per listening socket accepts; one thread per connection is that connection's
 * monitor. A transport or engine that crashes, misbehaves or is killed ends only its own session.
 */
final class Daemon {
    private static final SshLog log = SshLog.get(Daemon.class);
    private static final int BACKLOG = 128;
    /** How a transport ends after logging the protocol error that ended its connection. */
    private static final String SAID_WHY = "exited with status " + TransportMain.PROTOCOL_ERROR;

    /** A pre-started transport: the process and the monitor's end of its channel. */
    private record Transport(Launcher.Child child, Fd channel) {}

    private final Config config;
    private final HostKeys hostKeys;
    private final LoginRecorder recorder = new LoginRecorder(LoginFiles.SYSTEM);
    private final Policy policy;
    /**
     * A transport's JDK takes the client socket for a channel only if the socket's family is the
     * one its network stack chose at start, before any connection: so one pool per family listened on.
     */
    private final Map<Family, Pool<Transport>> transports = new EnumMap<>(Family.class);
    private final EnginePool engines;
    private final Admission admission;
    private final List<Fd> listeners = new ArrayList<>();
    /** Live connections by transport pid, so that stopping the daemon can end them and record their logouts. */
    private final Map<Integer, MonitorSession> sessions = new ConcurrentHashMap<>();

    Daemon(Configuration configuration, HostKeys hostKeys, Launcher launcher, boolean logToStderr)
            throws ConfigException {
        this.config = configuration.global();
        this.hostKeys = hostKeys;
        this.policy = Policy.of(configuration, logToStderr);
        for (InetSocketAddress address : config.listenAddresses()) {
            Family family = Family.of(address.getAddress());
            transports.computeIfAbsent(family, f -> new Pool<>(f.transports, config.transportPoolSize(),
                    () -> startTransport(launcher, f), t -> {
                        t.child().kill(false);
                        t.channel().close();
                    }));
        }
        this.engines = new EnginePool(launcher, config.enginePoolSize());
        this.admission = new Admission(config.maxStartups(), config.perSourceMaxStartups(),
                config.perSourceNetBlockSize(), new SecureRandom(), System::nanoTime);
    }

    /**
     * Ends the login records a killed predecessor left open (sessions whose process is gone), binds
     * every ListenAddress (an address that cannot be bound is an error, as for sshd), and starts
     * the first transport and engine: what keeps them from starting is a start-up error.
     */
    void listen() throws Exception {
        recorder.endSessionsWhoseProcessIsGone(pid -> Files.exists(Path.of("/proc", Integer.toString(pid))));
        for (Pool<Transport> pool : transports.values()) {
            pool.fill();
        }
        engines.fill();
        for (InetSocketAddress address : config.listenAddresses()) {
            Fd fd = Sockets.listen(address, BACKLOG);
            listeners.add(fd);
            InetSocketAddress bound = Sockets.localAddress(fd);
            log.info("Server listening on %s port %d.", Addresses.text(bound.getAddress()), bound.getPort());
        }
    }

    /** A transport, jailed and unprivileged, that has loaded what a connection needs and is waiting for one. */
    private Transport startTransport(Launcher launcher, Family family) throws Exception {
        Fd[] pair = Sockets.socketpair();
        Launcher.Child child;
        try (Fd transportEnd = pair[1]) {
            child = launcher.spawnTransport(transportEnd, family);
        }
        try {
            MonitorSession.awaitReady(pair[0].fd(), policy.transportConfig(), hostKeys);
            return new Transport(child, pair[0]);
        } catch (Exception e) {
            child.kill(false);
            pair[0].close();
            throw new IllegalStateException("transport " + child.pid() + " did not start: " + e.getMessage() + " ("
                    + child.exited().get() + ")", e);
        }
    }

    /** Accepts on every listener until the process ends. */
    void serve() throws InterruptedException {
        List<Thread> acceptors = new ArrayList<>();
        for (Fd listener : listeners) {
            Thread t = new Thread(() -> acceptLoop(listener), "accept-" + listener.fd());
            t.start();
            acceptors.add(t);
        }
        for (Thread t : acceptors) {
            t.join();
        }
    }

    /**
     * Admission is decided here, before any thread or process is spent on the connection: one
     * past MaxStartups or PerSourceMaxStartups hears sshd's refusal and is closed.
     */
    private void acceptLoop(Fd listener) {
        while (true) {
            Sockets.Accepted conn;
            try {
                conn = Sockets.accept(listener, config.tcpKeepAlive());
            } catch (SysCallException e) {
                log.error("accept: %s", e.getMessage());
                continue;
            }
            Admission.Decision decision = admission.admit(conn.peer(), conn.local());
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
        long accepted = System.nanoTime();
        InetSocketAddress peer = conn.peer();
        log.verbose("Connection from %s port %d on %s port %d", Addresses.text(peer.getAddress()), peer.getPort(),
                Addresses.text(conn.local().getAddress()), conn.local().getPort());
        Transport transport;
        try (Fd client = conn.fd()) {
            TransportWait wait = new TransportWait(client, peer, config.loginGraceTime());
            boolean expired;
            try {
                transport = transports.get(Family.of(conn.local().getAddress())).take();
            } finally {
                expired = wait.end();
            }
            if (expired) {
                // The connection's MaxStartups slot is free only now, as the wait is over.
                transport.child().kill(false);
                transport.channel().close();
                log.info("Connection closed by %s port %d [preauth]", Addresses.text(peer.getAddress()),
                        peer.getPort());
                return;
            }
            MonitorSession.handOver(transport.channel().fd(), peer, conn.local(), client);
        } catch (Exception e) {
            log.error("cannot start a transport for %s port %d: %s", Addresses.text(peer.getAddress()),
                    peer.getPort(), e.getMessage());
            return;
        }
        int pid = transport.child().pid();
        log.verbose("transport %d serves %s port %d", pid, Addresses.text(peer.getAddress()), peer.getPort());
        try (Fd channel = transport.channel()) {
            MonitorSession session = new MonitorSession(channel.fd(), pid, peer, hostKeys, policy.auth(),
                    policy.sessions(), policy.matched(peer, conn.local()), engines, recorder, ticket::authenticated);
            sessions.put(pid, session);
            if (session.run(accepted) == MonitorSession.End.VIOLATION) {
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
