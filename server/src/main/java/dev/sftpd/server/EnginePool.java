// Pre-started SFTP engines (root, having read nothing from any client) and how one becomes a user's session.
package dev.sftpd.server;

import dev.sftpd.monitor.EngineHandOver;
import dev.sftpd.monitor.Engines;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.util.List;

final class EnginePool implements Engines {
    /** A ready engine: its session shell, the engine's monitor channel, and the shell's stdin for the loginuid. */
    private record Ready(Launcher.Child session, Fd channel, Fd loginUid) {}

    private final Pool<Ready> pool;

    EnginePool(Launcher launcher, int size) {
        pool = new Pool<>("engine", size, () -> start(launcher), EnginePool::discard);
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
    public Started start(Account account, int[] groups, List<String> flags, String clientAddress)
            throws SysCallException {
        Ready r;
        try {
            r = pool.take();
        } catch (SysCallException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Fd[] pair = Sockets.socketpair();
        try (Fd channel = r.channel(); Fd loginUid = r.loginUid(); Fd engineEnd = pair[1]) {
            byte[] uid = (Integer.toUnsignedString(account.uid()) + "\n").getBytes(StandardCharsets.US_ASCII);
            Sockets.writeFully(loginUid.fd(), uid, 0, uid.length);
            EngineHandOver.assign(channel.fd(), account, groups, flags, clientAddress, engineEnd);
        } catch (SysCallException e) {
            pair[0].close();
            r.session().kill(true);
            throw e;
        }
        return new Started(r.session().pid(), pair[0], r.session().exited(), () -> r.session().kill(true));
    }
}
