// The engine's class-data training run: EngineMain, unchanged, given one session whose requests this JVM sends itself.
package dev.sftpd.server.training;

import dev.sftpd.engine.EngineMain;
import dev.sftpd.monitor.EngineHandOver;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Sockets;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Run by the monitor with -XX:DumpLoadedClassList, as root, with two arguments: the account
 * to become (an unprivileged one: the daemon passes its `sftpd` user) and an empty directory
 * that account owns, the session's home. The main thread is an engine exactly as the pool
 * starts one (EngineMain on fd 3); one thread plays the monitor (EngineHandOver's own
 * ENGINE_ASSIGN), another the user's sftp: the requests OpenSSH's client makes for
 * `ls`, `put` and `get` of a small file, and `rm`. The engine drops to the account before
 * it reads any of them, as it does for a real user, so this JVM ends unprivileged.
 */
public final class EngineTraining {
    private static final int INIT = 1, OPEN = 3, CLOSE = 4, READ = 5, WRITE = 6, LSTAT = 7, FSTAT = 8, OPENDIR = 11,
            READDIR = 12, REMOVE = 13, REALPATH = 16, STAT = 17, EXTENDED = 200;
    private static final int STATUS = 101, HANDLE = 102;
    private static final int READ_WRITE_CREATE_TRUNCATE = 0x01 | 0x02 | 0x08 | 0x10;
    private static final int CHUNK = 32 * 1024;

    private EngineTraining() {}

    public static void main(String[] args) throws Exception {
        Account account = Account.lookup(args[0]).orElseThrow(() -> new IllegalArgumentException("no user " + args[0]));
        Account user = new Account(account.name(), account.uid(), account.gid(), Path.of(args[1]), account.shell());
        Fd[] channel = Sockets.socketpair();
        Fd[] session = Sockets.socketpair();
        Sockets.dup2(channel[1].fd(), MonitorCalls.CHANNEL_FD);
        channel[1].close();
        TrainingThread.start("training-monitor", () -> {
            EngineHandOver.awaitReady(channel[0].fd());
            EngineHandOver.assign(channel[0].fd(), user, new int[] {user.gid()}, List.of("-e", "-l", "INFO"),
                    "127.0.0.1", Optional.empty(), "SSH-2.0-OpenSSH_9.2p1", false, session[1]);
            session[1].close();
        });
        TrainingThread.start("training-client", () -> {
            try (Fd end = session[0]) {
                new Client(end).run();
            }
        });
        EngineMain.main(new String[0]);
    }

    /** SFTP v3 requests one at a time, each reply read whole; a STATUS other than OK or EOF fails training. */
    private static final class Client {
        private final Fd socket;
        private final DataInputStream in;
        private int id;

        Client(Fd socket) {
            this.socket = socket;
            this.in = new DataInputStream(new java.io.InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] b = new byte[1];
                    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        int n = Sockets.read(socket.fd(), b, off, len);
                        return n == 0 ? -1 : n;
                    } catch (dev.sftpd.sftp.posix.SysCallException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            });
        }

        void run() throws Exception {
            send(packet(INIT).putInt(3));
            reply();
            request(packet(EXTENDED).string("limits@openssh.com"));
            request(packet(REALPATH).string("."));
            byte[] dir = handle(request(packet(OPENDIR).string(".")));
            while (request(packet(READDIR).bytes(dir)).type != STATUS) {
                // Reads the listing to its EOF.
            }
            request(packet(CLOSE).bytes(dir));
            byte[] file = handle(request(packet(OPEN).string("training").putInt(READ_WRITE_CREATE_TRUNCATE).putInt(0)));
            request(packet(WRITE).bytes(file).putLong(0).bytes(new byte[CHUNK]));
            request(packet(FSTAT).bytes(file));
            request(packet(READ).bytes(file).putLong(0).putInt(CHUNK));
            request(packet(READ).bytes(file).putLong(CHUNK).putInt(CHUNK));
            request(packet(CLOSE).bytes(file));
            request(packet(LSTAT).string("training"));
            request(packet(STAT).string("training"));
            request(packet(REMOVE).string("training"));
        }

        private Packet packet(int type) throws IOException {
            Packet p = new Packet();
            p.out.writeByte(type);
            if (type != INIT) {
                p.out.writeInt(++id);
            }
            return p;
        }

        private Reply request(Packet p) throws Exception {
            send(p);
            Reply r = reply();
            if (r.type == STATUS) {
                int code = ByteBuffer.wrap(r.body).getInt(4);
                if (code != 0 && code != 1) {
                    throw new IOException("request " + id + " failed with SFTP status " + code);
                }
            }
            return r;
        }

        private void send(Packet p) throws Exception {
            byte[] body = p.bytes.toByteArray();
            byte[] frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
            Sockets.writeFully(socket.fd(), frame, 0, frame.length);
        }

        private Reply reply() throws IOException {
            int length = in.readInt();
            int type = in.readUnsignedByte();
            byte[] body = new byte[length - 1];
            in.readFully(body);
            return new Reply(type, body);
        }

        private static byte[] handle(Reply r) throws IOException {
            if (r.type != HANDLE) {
                throw new EOFException("expected a handle, got reply type " + r.type);
            }
            ByteBuffer b = ByteBuffer.wrap(r.body, 4, r.body.length - 4);
            byte[] handle = new byte[b.getInt()];
            b.get(handle);
            return handle;
        }
    }

    private record Reply(int type, byte[] body) {}

    /** A request's payload in SSH wire encoding. */
    private static final class Packet {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);

        Packet putInt(int v) throws IOException {
            out.writeInt(v);
            return this;
        }

        Packet putLong(long v) throws IOException {
            out.writeLong(v);
            return this;
        }

        Packet bytes(byte[] b) throws IOException {
            out.writeInt(b.length);
            out.write(b);
            return this;
        }

        Packet string(String s) throws IOException {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }
}
