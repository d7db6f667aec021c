// A session request relayed to the SFTP engine the monitor starts for it: channel data to the engine's socket and back.
package dev.sftpd.transport;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * The transport never becomes the user: it copies bytes. Two threads per session, one each
 * way, so that the engine's file I/O and the transport's decryption run on both cores.
 */
final class EngineRelay implements Command {
    private static final SshLog log = SshLog.get(EngineRelay.class);
    /** OpenSSH's client reads and writes up to 256 KiB per request. */
    private static final int CHUNK = 256 * 1024 + 64;

    private final MonitorCalls monitor;
    private final String request;
    private final String argument;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Fd engine;
    private boolean destroyed;

    EngineRelay(MonitorCalls monitor, String request, String argument) {
        this.monitor = monitor;
        this.request = request;
        this.argument = argument;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        try {
            engine = monitor.startEngine(request, argument, channel.getSession().getClientVersion());
        } catch (MonitorCalls.RefusedException e) {
            // sshd's words on stderr and exit status 1, for a shell, a command, or a forced non-sftp command.
            err.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
            exit.onExit(1, "sftp only");
            return;
        }
        Thread toEngine = new Thread(this::clientToEngine, "relay-in");
        Thread fromEngine = new Thread(this::engineToClient, "relay-out");
        toEngine.setDaemon(true);
        toEngine.start();
        fromEngine.start();
    }

    /** The client's requests to the engine; at the channel's EOF the engine sees EOF and ends. */
    private void clientToEngine() {
        byte[] buf = new byte[CHUNK];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                Sockets.writeFully(engine.fd(), buf, 0, n);
            }
        } catch (IOException | SysCallException e) {
            log.debug1("relay to the engine: %s", e.getMessage());
        } catch (IllegalStateException e) {
            return; // the session is being torn down and the engine's socket is closed
        }
        Sockets.shutdownOutput(engine.fd());
    }

    /** The engine's replies to the client; the engine's end of the socket closing ends the session. */
    private void engineToClient() {
        byte[] buf = new byte[CHUNK];
        int status = 0;
        try {
            for (int n; (n = Sockets.read(engine.fd(), buf, 0, buf.length)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | SysCallException e) {
            log.debug1("relay from the engine: %s", e.getMessage());
            status = 255;
        }
        exit.onExit(status);
    }

    /**
     * Once: MINA may destroy a command from the channel's graceful close and again from its
     * immediate close, and a second shutdown of the closed socket fails ("fd N is closed", once in
     * a bench run of 135 sessions).
     */
    @Override
    public synchronized void destroy(ChannelSession channel) {
        Fd e = engine;
        if (e != null && !destroyed) {
            destroyed = true;
            Sockets.shutdown(e.fd());
            e.close();
        }
    }
}
