// Pre-started SFTP engines (root, having read nothing from any client) and how one becomes a user's session.
package dev.sftpd.server;

import dev.sftpd.monitor.EngineHandOver;
import dev.sftpd.monitor.Engines;
import dev.sftpd.monitor.JailedEngine;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

final class EnginePool implements Engines {
    /** A ready engine: its session shell, the engine's monitor channel, and the shell's stdin for the loginuid. */
    private record Ready(Launcher.Child session, Fd channel, Fd loginUid) {}

    private final Pool<Ready> pool;
    private final MonitorMetrics metrics;

    EnginePool(Launcher launcher, int size, MonitorMetrics metrics) {
        this.metrics = metrics;
        pool = new Pool<>("engine", size, () -> metrics.spawned("engine", () -> start(launcher)), EnginePool::discard);
    }

    /** Ready engines, and how many the pool keeps. */
    int[] readyAndSize() {
        return new int[] {pool.ready(), pool.size()};
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
    void resize(int size) {
        pool.resize(size);
    }

    private static Ready start(Launcher launcher) throws Exception {
        Fd[] pair = Sockets.socketpair();
        Fd[] pipe = Sockets.pipe();
        Launcher.Child session;
        try (Fd engineEnd = pair[1]; Fd shellEnd = pipe[0]) {
            session = launcher.spawnEngine(engineEnd, shellEnd);
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
                         Optional<Path> chroot) throws SysCallException {
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
            byte[] uid = (Integer.toUnsignedString(account.uid()) + "\n").getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(loginUid.fd(), uid, 0, uid.length);
            EngineHandOver.assign(r.channel().fd(), account, groups, flags, clientAddress, chroot, engineEnd);
        } catch (SysCallException e) {
            r.channel().close();
            pair[0].close();
            r.session().kill(true);
            throw e;
        }
        metrics.handedOver("engine", began);
        if (chroot.isPresent()) {
            // In the jail the engine's NSS cannot name owners for ls -l, nor reach /dev/log: the monitor does both.
            JailedEngine.serve(r.channel(), r.session().pid());
        } else {
            r.channel().close();
        }
        // The session ends with its shell: an engine whose shell was killed would serve on, its user's
        // process running with the login recorded as ended; its process group outlives the shell.
        CompletableFuture<String> ended = r.session().exited().whenComplete((status, e) -> r.session().kill(true));
        return new Started(r.session().pid(), pair[0], ended, () -> r.session().kill(true));
    }
}
