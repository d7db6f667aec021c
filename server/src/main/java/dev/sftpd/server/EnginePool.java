// Pre-started engines (root, having read nothing from any client) and how one becomes a user's session or makes a user's connection.
package dev.sftpd.server;

import dev.sftpd.monitor.EngineHandOver;
import dev.sftpd.monitor.Engines;
import dev.sftpd.monitor.EngineChannel;
import dev.sftpd.monitor.audit.SessionAudit;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.config.PoolSize;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

final class EnginePool implements Engines {
    /** A ready engine: its session shell, the engine's monitor channel, and the shell's stdin for the loginuid. */
    private record Ready(Launcher.Child session, Fd channel, Fd loginUid) {}

    /**
     * Each way of the socket pair between a session's engine and its transport may hold this
     * much (twice, with the kernel's overhead): a whole 256 KiB READ reply of the engine's fits,
     * so that the transport's relay reads it at once and sends it as one batch of packets
     * rather than in the pieces the default 208 KiB let through.
     */
    private static final int SESSION_BUFFER = 512 * 1024;

    private final Pool<Ready> pool;
    private final MonitorMetrics metrics;

    EnginePool(Launcher launcher, PoolSize size, MonitorMetrics metrics) {
        this.metrics = metrics;
        pool = new Pool<>("engine", size, priority -> metrics.spawned("engine", () -> start(launcher, priority)),
                r -> Processes.toForeground(r.session().pid()), EnginePool::discard);
    }

    /** Ready engines, and how many the pool keeps now. */
    int[] readyAndSize() {
        return new int[] {pool.ready(), pool.target()};
    }

    void fill() throws Exception {
        pool.fill();
    }

    void stop() {
        pool.stop();
    }

    /**
     * EnginePoolSize after a reload. Nothing else a reload changes reaches a waiting engine (it is
     * told its user, flags and log settings when assigned), so ready engines stay.
     */
    void resize(PoolSize size) {
        pool.resize(size);
    }

    private static Ready start(Launcher launcher, Launcher.Priority priority) throws Exception {
        Fd[] pair = Sockets.socketpair();
        Fd[] pipe = Sockets.pipe();
        Launcher.Child session;
        try (Fd engineEnd = pair[1]; Fd shellEnd = pipe[0]) {
            session = launcher.spawnEngine(engineEnd, shellEnd, priority);
        }
        Ready ready = new Ready(session, pair[0], pipe[1]);
        try {
            EngineHandOver.awaitReady(pair[0].fd());
        } catch (Exception e) {
            discard(ready);
            throw new IllegalStateException("engine " + session.pid() + " did not start: " + e.getMessage()
                    + " (" + session.exited().getNow("still running") + ")", e);
        }
        return ready;
    }

    private static void discard(Ready r) {
        r.session().kill(true);
        r.channel().close();
        r.loginUid().close();
    }

    @Override
    public Started start(Account account, int[] groups, List<String> flags, String clientAddress,
                         Optional<Path> chroot, String clientIdentification, SessionAudit audit)
            throws SysCallException {
        return handOver(account, chroot, audit, (channel, engineEnd) -> EngineHandOver.assign(channel, account,
                groups, flags, clientAddress, chroot, clientIdentification, audit.enabled(), engineEnd));
    }

    @Override
    public Started connect(Account account, int[] groups, List<String> logFlags, String clientAddress,
                           Optional<Path> chroot, SessionAudit audit, String host, int port) throws SysCallException {
        return handOver(account, chroot, audit, (channel, engineEnd) ->
                EngineHandOver.connect(channel, account, groups, logFlags, clientAddress, chroot, host, port,
                        engineEnd));
    }

    /** What a ready engine is told: ENGINE_ASSIGN or ENGINE_CONNECT, with the engine's end of its socket. */
    @FunctionalInterface
    private interface Assignment {
        void send(int channel, Fd engineEnd) throws SysCallException;
    }

    /** A ready engine, given the account's loginuid through its session shell, then its assignment. */
    private Started handOver(Account account, Optional<Path> chroot, SessionAudit audit, Assignment assignment)
            throws SysCallException {
        long began = System.nanoTime();
        Ready r;
        try {
            r = pool.take();
        } catch (SysCallException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Fd[] pair = Sockets.socketpair();
        try (Fd loginUid = r.loginUid(); Fd engineEnd = pair[1]) {
            Sockets.setSendBuffer(engineEnd, SESSION_BUFFER);
            Sockets.setSendBuffer(pair[0], SESSION_BUFFER);
            byte[] uid = (Integer.toUnsignedString(account.uid()) + "\n").getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(loginUid.fd(), uid, 0, uid.length);
            assignment.send(r.channel().fd(), engineEnd);
        } catch (SysCallException e) {
            r.channel().close();
            pair[0].close();
            r.session().kill(true);
            throw e;
        }
        metrics.handedOver("engine", began);
        CompletableFuture<Void> channelClosed = CompletableFuture.completedFuture(null);
        if (chroot.isPresent() || audit.enabled()) {
            // In the jail the engine's NSS cannot name owners for ls -l, nor reach /dev/log: the monitor does
            // both. With AuditLog the engine reports its operations, and the monitor writes them.
            channelClosed = EngineChannel.serve(r.channel(), r.session().pid(), chroot.isPresent(), audit, metrics);
        } else {
            r.channel().close();
        }
        // The session ends with its shell: an engine whose shell was killed would serve on, its user's
        // process running with the login recorded as ended; its process group outlives the shell. The
        // session's end comes after the engine's last audit reports (the group killed, the channel closes).
        CompletableFuture<String> ended = r.session().exited().whenComplete((status, e) -> r.session().kill(true))
                .thenCombine(channelClosed, (status, closed) -> status);
        return new Started(r.session().pid(), pair[0], ended, () -> r.session().kill(true));
    }
}
