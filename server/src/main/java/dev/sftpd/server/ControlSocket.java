// The daemon's control socket: OpenSSH's PROTOCOL.mux (hello, alive check, terminate, stop listening) for root only,
// with sftpd's session list and listening-socket handover.
package dev.sftpd.server;

import static dev.sftpd.server.ControlProtocol.MUX_C_ALIVE_CHECK;
import static dev.sftpd.server.ControlProtocol.MUX_C_HANDOVER;
import static dev.sftpd.server.ControlProtocol.MUX_C_RESTART;
import static dev.sftpd.server.ControlProtocol.MUX_C_SESSIONS;
import static dev.sftpd.server.ControlProtocol.MUX_C_STOP_LISTENING;
import static dev.sftpd.server.ControlProtocol.MUX_C_TERMINATE;
import static dev.sftpd.server.ControlProtocol.MUX_MSG_HELLO;
import static dev.sftpd.server.ControlProtocol.MUX_S_ALIVE;
import static dev.sftpd.server.ControlProtocol.MUX_S_FAILURE;
import static dev.sftpd.server.ControlProtocol.MUX_S_HANDOVER;
import static dev.sftpd.server.ControlProtocol.MUX_S_RESTARTING;
import static dev.sftpd.server.ControlProtocol.MUX_S_OK;
import static dev.sftpd.server.ControlProtocol.MUX_S_SESSIONS;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.ControlProtocol.MalformedException;
import dev.sftpd.server.ControlProtocol.Message;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;

/**
 * One thread accepts; one thread per client reads its requests and answers each in turn. Only
 * root may talk to it (the socket is 0600, and the peer's uid is checked with SO_PEERCRED, as
 * mux.c checks getpeereid()). Nothing a client sends can hurt the daemon: an unknown or
 * malformed request gets MUX_S_FAILURE, and a broken packet ends that client only.
 */
final class ControlSocket implements AutoCloseable {
    private static final SshLog log = SshLog.get(ControlSocket.class);
    /** Clients served at once; root's own tools, so a handful is plenty, and more are turned away. */
    private static final int MAX_CLIENTS = 8;

    /** What the daemon answers with. */
    interface Master {
        List<Connection> connections();

        /** MUX_C_TERMINATE, after the reply: the daemon ends its sessions and exits. */
        void terminate();

        /**
         * MUX_C_STOP_LISTENING, before the reply: no new connections; under systemd, with connections
         * left, a stand-in becomes the main process (so the service manager hears MAINPID= before
         * ExecStop's sftpd -O stop hears OK and exits).
         */
        void stopListening();

        /** After MUX_C_STOP_LISTENING's reply: exit now if no connection is left (else when the last ends). */
        void exitIfIdle();

        /** The listening sockets by configured address, for MUX_C_HANDOVER; none while draining. */
        Map<InetSocketAddress, Fd> listeningSockets();

        /** They were sent to the daemon with this pid, which accepts on them too from now on. */
        void handedOver(int pid);

        /** MUX_C_RESTART: a new daemon started to take over; its pid, or empty if none could be. */
        OptionalInt restart();
    }

    /** One live connection, as the session list reports it. */
    record Connection(int transportPid, String user, String address, int port, long startSeconds, long bytesIn,
                      long bytesOut, List<Session> sessions) {}

    /** One sftp session: the process its login record names, and the engine under it (0 if already gone). */
    record Session(int sessionPid, int enginePid) {}

    /** What a request does once its reply is sent, on the client's connection. */
    @FunctionalInterface
    private interface After {
        void run(Fd client, Sockets.Credentials peer) throws SysCallException;
    }

    /** A request's reply, and what to do once it is sent. */
    private record Reply(Message message, After after) {
        static Reply of(Message message) {
            return new Reply(message, (client, peer) -> {});
        }
    }

    @FunctionalInterface
    private interface Handler {
        Reply handle(int requestId, ByteBuffer body, Master master) throws MalformedException;
    }

    /** Every request the socket answers, by type: mux.c's mux_master_handlers, with sftpd's extension. */
    private static final Map<Integer, Handler> HANDLERS = Map.of(
            MUX_C_ALIVE_CHECK, (rid, body, master) -> {
                ControlProtocol.end(body);
                return Reply.of(new Message(MUX_S_ALIVE).putInt(rid).putInt(Processes.getpid()));
            },
            MUX_C_TERMINATE, (rid, body, master) -> {
                ControlProtocol.end(body);
                return new Reply(new Message(MUX_S_OK).putInt(rid), (client, peer) -> master.terminate());
            },
            MUX_C_STOP_LISTENING, (rid, body, master) -> {
                ControlProtocol.end(body);
                master.stopListening();
                return new Reply(new Message(MUX_S_OK).putInt(rid), (client, peer) -> master.exitIfIdle());
            },
            MUX_C_HANDOVER, (rid, body, master) -> {
                ControlProtocol.end(body);
                Map<InetSocketAddress, Fd> sockets = master.listeningSockets();
                Message reply = new Message(MUX_S_HANDOVER).putInt(rid).putInt(sockets.size());
                sockets.keySet().forEach(a -> reply.putString(a.getAddress().getHostAddress()).putInt(a.getPort()));
                return new Reply(reply, (client, peer) -> {
                    for (Fd socket : sockets.values()) {
                        Sockets.sendFd(client.fd(), socket.fd());
                    }
                    if (!sockets.isEmpty()) {
                        master.handedOver(peer.pid());
                    }
                });
            },
            MUX_C_RESTART, (rid, body, master) -> {
                ControlProtocol.end(body);
                OptionalInt pid = master.restart();
                return Reply.of(pid.isPresent() ? new Message(MUX_S_RESTARTING).putInt(rid).putInt(pid.getAsInt())
                        : new Message(MUX_S_FAILURE).putInt(rid).putString("no new daemon started; see the log"));
            },
            MUX_C_SESSIONS, (rid, body, master) -> {
                ControlProtocol.end(body);
                return Reply.of(sessions(rid, master.connections()));
            });

    private final Path path;
    private final Object fileKey;
    private final Fd listener;
    private final Master master;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private volatile boolean closing;

    private ControlSocket(Path path, Object fileKey, Fd listener, Master master) {
        this.path = path;
        this.fileKey = fileKey;
        this.listener = listener;
        this.master = master;
    }

    /** Makes the socket (0600; its directory 0755 if missing) and starts accepting. */
    static ControlSocket open(Path path, Master master) throws IOException, SysCallException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        Fd fd = Sockets.listenUnix(path, PosixFilePermissions.fromString("rw-------"), MAX_CLIENTS);
        Object fileKey = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
        ControlSocket socket = new ControlSocket(path, fileKey, fd, master);
        Thread t = new Thread(socket::acceptLoop, "control");
        t.setDaemon(true);
        t.start();
        log.verbose("Control socket listening on %s", path);
        return socket;
    }

    Path path() {
        return path;
    }

    /** Stops accepting, and removes the socket file unless another daemon has put its own there since. */
    @Override
    public void close() {
        closing = true;
        Sockets.shutdown(listener.fd());
        try {
            Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, fileKey)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // Gone already, or replaced: either way not ours to remove.
        }
    }

    private void acceptLoop() {
        while (true) {
            Fd client;
            try {
                client = Sockets.acceptUnix(listener);
            } catch (SysCallException e) {
                if (closing) {
                    break;
                }
                log.error("control socket accept: %s", e.getMessage());
                continue;
            }
            if (!clients.tryAcquire()) {
                log.error("control socket %s: %d clients already; closing a new one", path, MAX_CLIENTS);
                client.close();
                continue;
            }
            Thread t = new Thread(() -> {
                try (client) {
                    serve(client);
                } finally {
                    clients.release();
                }
            }, "control-client");
            t.setDaemon(true);
            t.start();
        }
        listener.close();
    }

    private void serve(Fd client) {
        try {
            Sockets.Credentials peer = Sockets.peerCredentials(client);
            if (peer.uid() != 0) {
                // mux.c's words; only root may control the daemon.
                log.error("control socket: multiplex uid mismatch: peer euid %d != uid 0 (pid %d)", peer.uid(),
                        peer.pid());
                return;
            }
            ControlProtocol.write(client, new Message(MUX_MSG_HELLO).putInt(ControlProtocol.VERSION)
                    .putString(ControlProtocol.SESSIONS_EXTENSION).putString("1")
                    .putString(ControlProtocol.HANDOVER_EXTENSION).putString("1")
                    .putString(ControlProtocol.RESTART_EXTENSION).putString("1"));
            requests(client, peer);
        } catch (SysCallException | RuntimeException e) {
            log.error("control socket: client: %s", e.getMessage());
        }
    }

    /** mux_master_read_cb(): HELLO first and once, then requests, each with its request id. */
    private void requests(Fd client, Sockets.Credentials peer) throws SysCallException {
        boolean hello = false;
        while (true) {
            ByteBuffer body;
            int type;
            try {
                body = ControlProtocol.read(client);
                type = ControlProtocol.getInt(body);
            } catch (EOFException e) {
                return;
            } catch (IOException e) {
                // The framing is lost: say why and hang up, as there is no next packet to find.
                fail(client, 0, "malformed message: " + e.getMessage());
                return;
            }
            if (type == MUX_MSG_HELLO) {
                String problem = hello ? "HELLO received twice" : helloProblem(body);
                if (problem != null) {
                    fail(client, 0, problem);
                    return;
                }
                hello = true;
                continue;
            }
            if (!hello) {
                fail(client, 0, String.format("expected MUX_MSG_HELLO(0x%08x), received 0x%08x", MUX_MSG_HELLO, type));
                return;
            }
            int rid;
            try {
                rid = ControlProtocol.getInt(body);
            } catch (MalformedException e) {
                fail(client, 0, "malformed request: no request id");
                continue;
            }
            Handler handler = HANDLERS.get(type);
            if (handler == null) {
                fail(client, rid, String.format("unsupported mux message 0x%08x", type));
                continue;
            }
            Reply reply;
            try {
                reply = handler.handle(rid, body, master);
            } catch (MalformedException e) {
                fail(client, rid, String.format("malformed request 0x%08x: %s", type, e.getMessage()));
                continue;
            }
            ControlProtocol.write(client, reply.message());
            reply.after().run(client, peer);
        }
    }

    /** Null when a HELLO is one this master speaks: version 4, then name/value pairs (none is needed). */
    private static String helloProblem(ByteBuffer body) {
        try {
            int version = ControlProtocol.getInt(body);
            if (version != ControlProtocol.VERSION) {
                return "Unsupported multiplexing protocol version " + version + " (expected "
                        + ControlProtocol.VERSION + ")";
            }
            while (body.hasRemaining()) {
                ControlProtocol.getString(body);
                ControlProtocol.getString(body);
            }
            return null;
        } catch (MalformedException e) {
            return "malformed HELLO: " + e.getMessage();
        }
    }

    private void fail(Fd client, int rid, String reason) throws SysCallException {
        log.error("control socket: %s", reason);
        ControlProtocol.write(client, new Message(MUX_S_FAILURE).putInt(rid).putString(reason));
    }

    /** sftpd's extension: every live connection with its sessions (PROTOCOL.control). */
    private static Message sessions(int rid, List<Connection> connections) {
        Message m = new Message(MUX_S_SESSIONS).putInt(rid).putInt(connections.size());
        for (Connection c : connections) {
            m.putInt(c.transportPid()).putString(c.user()).putString(c.address()).putInt(c.port())
                    .putLong(c.startSeconds()).putLong(c.bytesIn()).putLong(c.bytesOut())
                    .putInt(c.sessions().size());
            c.sessions().forEach(s -> m.putInt(s.sessionPid()).putInt(s.enginePid()));
        }
        return m;
    }
}
