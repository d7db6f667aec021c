// sftpd -O check|exit|stop|sessions|restart: the control socket's client, worded and exiting as ssh -O does; and a
// starting daemon's takeover of a running one's listening sockets.
package dev.sftpd.server;

import static dev.sftpd.server.ControlProtocol.MUX_C_ALIVE_CHECK;
import static dev.sftpd.server.ControlProtocol.MUX_C_HANDOVER;
import static dev.sftpd.server.ControlProtocol.MUX_C_RESTART;
import static dev.sftpd.server.ControlProtocol.MUX_C_SESSIONS;
import static dev.sftpd.server.ControlProtocol.MUX_C_STOP_LISTENING;
import static dev.sftpd.server.ControlProtocol.MUX_C_TERMINATE;
import static dev.sftpd.server.ControlProtocol.MUX_MSG_HELLO;
import static dev.sftpd.server.ControlProtocol.MUX_S_ALIVE;
import static dev.sftpd.server.ControlProtocol.MUX_S_HANDOVER;
import static dev.sftpd.server.ControlProtocol.MUX_S_RESTARTING;
import static dev.sftpd.server.ControlProtocol.MUX_S_OK;
import static dev.sftpd.server.ControlProtocol.MUX_S_SESSIONS;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.ControlProtocol.Message;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

final class ControlClient {
    private static final SshLog log = SshLog.get(ControlClient.class);
    static final List<String> COMMANDS = List.of("check", "exit", "stop", "sessions", "restart");
    private static final int REQUEST_ID = 0;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** Reported as ssh's fatal() reports it, exit status 255. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private ControlClient() {}

    /** @return the exit status: 0, or 255 as ssh -O when the master cannot be reached or refuses */
    static int run(String command, String path, PrintStream out, PrintStream err) {
        Fd fd;
        try {
            fd = Sockets.connectUnix(path);
        } catch (SysCallException e) {
            err.println("Control socket connect(" + path + "): " + e.reason());
            return 255;
        } catch (IllegalArgumentException e) {
            err.println("ControlPath too long ('" + path + "')");
            return 255;
        }
        try (fd) {
            Set<String> extensions = hello(fd);
            switch (command) {
                case "check" -> err.println("Master running (pid=" + alive(fd) + ")");
                case "exit" -> {
                    expectOk(fd, MUX_C_TERMINATE, "termination");
                    err.println("Exit request sent.");
                }
                case "stop" -> {
                    expectOk(fd, MUX_C_STOP_LISTENING, "stop listening");
                    err.println("Stop listening request sent.");
                }
                case "restart" -> {
                    if (!extensions.contains(ControlProtocol.RESTART_EXTENSION)) {
                        throw new Failed("master does not support restart requests");
                    }
                    int pid = ControlProtocol.getInt(reply(fd, MUX_C_RESTART, MUX_S_RESTARTING, "restart"));
                    err.println("Restart request sent: the new daemon's pid is " + pid + ".");
                }
                default -> {
                    if (!extensions.contains(ControlProtocol.SESSIONS_EXTENSION)) {
                        throw new Failed("master does not support the session list");
                    }
                    out.print(sessions(fd));
                }
            }
            return 0;
        } catch (Failed e) {
            err.println(e.getMessage());
            return 255;
        } catch (IOException | SysCallException e) {
            err.println("mux_client_read_packet: " + e.getMessage());
            return 255;
        }
    }

    /**
     * A start that found a daemon serving at its control socket and took its listening sockets.
     *
     * @param pid the running daemon's
     * @param sockets its listening sockets by configured address
     */
    record Takeover(Fd connection, int pid, Map<InetSocketAddress, Fd> sockets) {
        /** Once the new daemon accepts: MUX_C_STOP_LISTENING to the old one, which then drains and exits. */
        void finish() {
            try (connection) {
                expectOk(connection, MUX_C_STOP_LISTENING, "stop listening");
                log.info("The daemon with pid %d stops listening; it exits when its last connection ends.", pid);
            } catch (IOException | SysCallException | Failed e) {
                log.error("cannot tell the daemon with pid %d to stop listening: %s", pid, e.getMessage());
            }
        }
    }

    /**
     * Asks a daemon serving at this control socket for its listening sockets (MUX_C_HANDOVER),
     * so that a restart refuses no connection: both accept on the same sockets until the old
     * one is told to stop. Empty when nothing answers there (no daemon, a stale socket) or the
     * daemon cannot hand over.
     */
    static Optional<Takeover> takeOver(String path) {
        Fd fd;
        try {
            fd = Sockets.connectUnix(path);
        } catch (SysCallException | IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            if (!hello(fd).contains(ControlProtocol.HANDOVER_EXTENSION)) {
                throw new Failed("it does not hand over its listening sockets");
            }
            int pid = alive(fd);
            ByteBuffer m = reply(fd, MUX_C_HANDOVER, MUX_S_HANDOVER, "handover");
            int count = ControlProtocol.getInt(m);
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                addresses.add(new InetSocketAddress(InetAddress.getByName(ControlProtocol.getString(m)),
                        ControlProtocol.getInt(m)));
            }
            ControlProtocol.end(m);
            Map<InetSocketAddress, Fd> sockets = new LinkedHashMap<>();
            for (InetSocketAddress address : addresses) {
                sockets.put(address, Sockets.receiveFd(fd.fd()));
            }
            if (count > 0) {
                log.info("Took %d listening sockets over from the daemon with pid %d (%s).", count, pid, path);
            }
            return Optional.of(new Takeover(fd, pid, sockets));
        } catch (IOException | SysCallException | MonitorProtocolException | Failed e) {
            log.error("A daemon answers at %s but did not hand its sockets over: %s", path, e.getMessage());
            fd.close();
            return Optional.empty();
        }
    }

    /** mux_client_hello_exchange(): ours (no extensions), then theirs, whose extensions are returned. */
    private static Set<String> hello(Fd fd) throws IOException, SysCallException, Failed {
        ControlProtocol.write(fd, new Message(MUX_MSG_HELLO).putInt(ControlProtocol.VERSION));
        ByteBuffer m = ControlProtocol.read(fd);
        int type = ControlProtocol.getInt(m);
        if (type != MUX_MSG_HELLO) {
            throw new Failed("expected HELLO (" + MUX_MSG_HELLO + ") got " + type);
        }
        int version = ControlProtocol.getInt(m);
        if (version != ControlProtocol.VERSION) {
            throw new Failed("Unsupported multiplexing protocol version " + version + " (expected "
                    + ControlProtocol.VERSION + ")");
        }
        Set<String> names = new HashSet<>();
        while (m.hasRemaining()) {
            names.add(ControlProtocol.getString(m));
            ControlProtocol.getString(m);
        }
        return names;
    }

    /** A reply of the expected type to our request, else the master's reason as ssh reports it. */
    private static ByteBuffer reply(Fd fd, int request, int expected, String what)
            throws IOException, SysCallException, Failed {
        ControlProtocol.write(fd, new Message(request).putInt(REQUEST_ID));
        ByteBuffer m = ControlProtocol.read(fd);
        int type = ControlProtocol.getInt(m);
        int rid = ControlProtocol.getInt(m);
        if (rid != REQUEST_ID) {
            throw new Failed("out of sequence reply: my id " + REQUEST_ID + " theirs " + rid);
        }
        if (type != expected) {
            String reason = type == ControlProtocol.MUX_S_FAILURE || type == ControlProtocol.MUX_S_PERMISSION_DENIED
                    ? ControlProtocol.getString(m) : String.format("unexpected response 0x%08x", type);
            throw new Failed(what + " request failed: " + reason);
        }
        return m;
    }

    private static int alive(Fd fd) throws IOException, SysCallException, Failed {
        return ControlProtocol.getInt(reply(fd, MUX_C_ALIVE_CHECK, MUX_S_ALIVE, "alive check"));
    }

    private static void expectOk(Fd fd, int request, String what) throws IOException, SysCallException, Failed {
        reply(fd, request, MUX_S_OK, what);
    }

    /** One line per connection, then one indented line per sftp session. */
    private static String sessions(Fd fd) throws IOException, SysCallException, Failed {
        ByteBuffer m = reply(fd, MUX_C_SESSIONS, MUX_S_SESSIONS, "session list");
        int count = ControlProtocol.getInt(m);
        StringBuilder text = new StringBuilder(String.format("%-9s %-16s %-24s %-19s %12s %12s%n", "TRANSPORT",
                "USER", "CLIENT", "STARTED", "BYTES-IN", "BYTES-OUT"));
        for (int i = 0; i < count; i++) {
            int transport = ControlProtocol.getInt(m);
            String user = ControlProtocol.getString(m);
            String address = ControlProtocol.getString(m);
            int port = ControlProtocol.getInt(m);
            long start = ControlProtocol.getLong(m);
            long in = ControlProtocol.getLong(m);
            long outBytes = ControlProtocol.getLong(m);
            text.append(String.format("%-9d %-16s %-24s %-19s %12d %12d%n", transport,
                    user.isEmpty() ? "(preauth)" : user, address + " port " + port,
                    TIME.format(Instant.ofEpochSecond(start)), in, outBytes));
            int sessions = ControlProtocol.getInt(m);
            for (int j = 0; j < sessions; j++) {
                text.append(String.format("          sftp session %d engine %d%n", ControlProtocol.getInt(m),
                        ControlProtocol.getInt(m)));
            }
        }
        ControlProtocol.end(m);
        return text.toString();
    }
}
