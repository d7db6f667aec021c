// The monitor's main loop: listens, and for each connection spawns a worker and serves its monitor requests.
package dev.sftpd.server;

import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.AuthSettings;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.MonitorSession;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.login.LoginFiles;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.config.Config;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/**
 * One thread per listening socket accepts; one thread per connection is that connection's
 * monitor. A worker that crashes, misbehaves or is killed ends only its own thread.
 */
final class Daemon {
    private static final SshLog log = SshLog.get(Daemon.class);
    private static final int SIGKILL = 9;
    private static final int BACKLOG = 128;

    private final Config config;
    private final HostKeys hostKeys;
    private final WorkerLauncher launcher;
    private final LoginRecorder recorder = new LoginRecorder(LoginFiles.SYSTEM);
    private final AuthSettings auth;
    private final String effectiveConfig;
    private final List<Fd> listeners = new ArrayList<>();
    /** Live connections by worker pid, so that stopping the daemon can end them and record their logouts. */
    private final Map<Integer, MonitorSession> sessions = new ConcurrentHashMap<>();
    /** Whose effective ids workers hold before authentication (OpenSSH's privilege separation user). */
    private final Account unprivileged = Account.lookup("nobody")
            .orElse(new Account("nobody", 65534, 65534, Path.of("/nonexistent"), Path.of("/usr/sbin/nologin")));

    Daemon(Config config, HostKeys hostKeys, WorkerLauncher launcher) {
        this.config = config;
        this.hostKeys = hostKeys;
        this.launcher = launcher;
        this.effectiveConfig = config.dump();
        this.auth = new AuthSettings(config.pubkeyAuthentication(), config.passwordAuthentication(),
                config.kbdInteractiveAuthentication(), config.usePam(), config.permitEmptyPasswords(),
                config.permitRootLogin(), config.accessRules(), config.authenticationMethodNames(),
                config.maxAuthTries(), config.loginGraceTime(), config.strictModes(),
                a -> config.authorizedKeysFiles(a.name(), a.uid(), a.home()),
                config.trustedUserCaKeys().map(List::of).orElse(List.of()),
                a -> config.authorizedPrincipalsFile(a.name(), a.uid(), a.home()));
    }

    /** Binds every ListenAddress; an address that cannot be bound is an error, as for sshd. */
    void listen() throws SysCallException {
        for (InetSocketAddress address : config.listenAddresses()) {
            Fd fd = Sockets.listen(address, BACKLOG);
            listeners.add(fd);
            InetSocketAddress bound = Sockets.localAddress(fd);
            log.info("Server listening on %s port %d.", bound.getAddress().getHostAddress(), bound.getPort());
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

    private void acceptLoop(Fd listener) {
        while (true) {
            Sockets.Accepted conn;
            try {
                conn = Sockets.accept(listener);
            } catch (SysCallException e) {
                log.error("accept: %s", e.getMessage());
                continue;
            }
            new Thread(() -> connection(conn), "monitor-" + conn.peer()).start();
        }
    }

    private void connection(Sockets.Accepted conn) {
        InetSocketAddress peer = conn.peer();
        log.verbose("Connection from %s port %d on %s port %d", peer.getAddress().getHostAddress(), peer.getPort(),
                conn.local().getAddress().getHostAddress(), conn.local().getPort());
        Fd[] pair;
        int pid;
        try (Fd client = conn.fd()) {
            pair = Sockets.socketpair();
            try (Fd workerEnd = pair[1]) {
                pid = launcher.spawn(client, workerEnd);
            }
        } catch (SysCallException e) {
            log.error("cannot start a worker for %s port %d: %s", peer.getAddress().getHostAddress(), peer.getPort(),
                    e.getMessage());
            return;
        }
        try (Fd monitorEnd = pair[0]) {
            MonitorSession session = new MonitorSession(monitorEnd.fd(), pid, peer, hostKeys, auth, recorder,
                    effectiveConfig, unprivileged);
            sessions.put(pid, session);
            if (session.run() == MonitorSession.End.VIOLATION) {
                kill(pid);
            }
            reap(pid, peer);
            session.finish();
            sessions.remove(pid);
        }
    }

    /**
     * SIGTERM: one monitor serves every connection, so when it goes its sessions go too; each
     * worker is killed and its logout recorded, rather than left serving with no one to record it.
     */
    void stop() {
        log.info("Received signal 15; terminating.");
        sessions.forEach((pid, session) -> {
            kill(pid);
            session.finish();
        });
    }

    private static void kill(int pid) {
        try {
            Processes.kill(pid, SIGKILL);
        } catch (SysCallException e) {
            log.debug1("kill %d: %s", pid, e.getMessage());
        }
    }

    private static void reap(int pid, InetSocketAddress peer) {
        try {
            Optional<Processes.ExitStatus> status = Processes.waitpid(pid, true);
            status.filter(s -> s.signal().isPresent() || s.exitCode().orElse(0) != 0)
                    .ifPresent(s -> log.verbose("worker %d for %s port %d %s", pid,
                            peer.getAddress().getHostAddress(), peer.getPort(), s.describe()));
        } catch (SysCallException e) {
            log.error("waitpid %d: %s", pid, e.getMessage());
        }
    }
}
