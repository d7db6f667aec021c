// The worker's side of the monitor protocol: one blocking call per request (as OpenSSH's monitor_wrap.c).
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;

/** Thread-safe: one request at a time is on the wire, as the protocol requires. */
public final class MonitorCalls {
    /** The descriptor the worker inherits its monitor channel on. */
    public static final int CHANNEL_FD = 3;

    /**
     * HELLO, both ends: a pre-started transport's settings, the host keys' public blobs and the
     * Banner's text ("" for none), which the transport cannot read itself.
     */
    public record Hello(TransportSettings settings, List<byte[]> hostKeyBlobs, String banner) {
        /** The monitor's HELLO payload. */
        public Buffer encode() {
            Buffer hello = Packets.payload(MonitorMessage.HELLO);
            settings.encode(hello);
            hello.putInt(hostKeyBlobs.size());
            hostKeyBlobs.forEach(hello::putBytes);
            hello.putString(banner);
            return hello;
        }

        static Hello decode(Buffer p) {
            TransportSettings settings = TransportSettings.decode(p);
            int n = p.getInt();
            if (n < 0) {
                throw new IllegalArgumentException(n + " host keys");
            }
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(p.getBytes());
            }
            return new Hello(settings, keys, p.getString());
        }
    }

    /** A client handed to a pooled transport: where it comes from, where it connected, its socket. */
    public record Connection(String peerAddress, int peerPort, String localAddress, int localPort, Fd socket) {}

    /**
     * A session handed to a pooled engine: whom to become (ids and groups as the monitor
     * computed them, so the engine needs no NSS lookup to drop), the sftp-server flags the
     * monitor decided, whether to report operations for the audit log (AUDIT), and the engine's
     * end of the socket its transport relays.
     */
    public record Assignment(String user, int uid, int gid, int[] groups, String home, List<String> flags,
                             String clientAddress, Optional<String> chroot, String clientIdentification,
                             boolean audit, Optional<Target> connect, Fd socket) {}

    /** What an engine assigned by ENGINE_CONNECT connects to. */
    public record Target(String host, int port) {}

    /** What NAME_QUERY asks for: a user's name by uid, or a group's by gid. */
    public enum NameKind { USER, GROUP }

    /** AUTH_RESULT: PARTIAL means this method succeeded and AuthenticationMethods wants another. */
    public enum AuthResult { REFUSED, KEY_ACCEPTABLE, AUTHENTICATED, PARTIAL, NO_MORE_ATTEMPTS }

    /** One round of keyboard-interactive prompts. */
    public record KbdIntQuery(String name, String instruction, List<String> prompts, List<Boolean> echo) {}

    /** Either another round of prompts or the outcome. */
    public record KbdIntStep(KbdIntQuery query, AuthResult result) {}

    /** The monitor's FAILURE to a request it refuses; the message is its reason, fit to show the client. */
    public static final class RefusedException extends IOException {
        RefusedException(String reason) {
            super(reason);
        }
    }

    private final int fd;

    public MonitorCalls(int fd) {
        this.fd = fd;
    }

    /** The monitor's first message; call once, before anything else. */
    public synchronized Hello hello() throws IOException {
        return fields(expect(receive(), MonitorMessage.HELLO), Hello::decode);
    }

    /**
     * The raw signature of a key exchange's hash by the host key with this public blob: the
     * exchange is announced (START_REKEX) and signed (SIGN) in one go, so that two threads of
     * the transport (a rekey the server starts while the client starts one too) cannot put a
     * SIGN ahead of its announcement.
     */
    public synchronized byte[] sign(String algorithm, byte[] hostKeyBlob, byte[] exchangeHash) throws IOException {
        ok(call(Packets.payload(MonitorMessage.START_REKEX)));
        Buffer req = Packets.payload(MonitorMessage.SIGN);
        req.putString(algorithm);
        req.putBytes(hostKeyBlob);
        req.putBytes(exchangeHash);
        return fields(expect(call(req), MonitorMessage.SIGN_REPLY), Buffer::getBytes);
    }

    /** signature is the SSH-encoded signature, or null for a query ("would this key do?"). */
    public synchronized AuthResult authPublicKey(String user, String service, String algorithm, byte[] keyBlob,
                                                 byte[] signature) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_PUBKEY);
        req.putString(user);
        req.putString(service);
        req.putString(algorithm);
        req.putBytes(keyBlob);
        req.putBoolean(signature != null);
        if (signature != null) {
            req.putBytes(signature);
        }
        return authResult(call(req));
    }

    public synchronized AuthResult authPassword(String user, String service, String password) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_PASSWORD);
        req.putString(user);
        req.putString(service);
        req.putString(password);
        return authResult(call(req));
    }

    public synchronized KbdIntStep kbdIntStart(String user, String service, String submethods) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_KBDINT_START);
        req.putString(user);
        req.putString(service);
        req.putString(submethods);
        return kbdIntStep(call(req));
    }

    public synchronized KbdIntStep kbdIntRespond(List<String> answers) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_KBDINT_RESPONSE);
        req.putInt(answers.size());
        answers.forEach(req::putString);
        return kbdIntStep(call(req));
    }

    private KbdIntStep kbdIntStep(Buffer reply) throws IOException {
        int type = reply.rawByte(reply.rpos()) & 0xff;
        if (type != MonitorMessage.AUTH_KBDINT_QUERY.type) {
            return new KbdIntStep(null, authResult(reply));
        }
        return new KbdIntStep(fields(expect(reply, MonitorMessage.AUTH_KBDINT_QUERY), p -> {
            String name = p.getString();
            String instruction = p.getString();
            int n = p.getInt();
            List<String> prompts = new ArrayList<>();
            List<Boolean> echo = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                prompts.add(p.getString());
                echo.add(p.getBoolean());
            }
            return new KbdIntQuery(name, instruction, prompts, echo);
        }), null);
    }

    /**
     * TRANSPORT_READY, then waits (pooled, for as long as it takes) for the monitor to hand over
     * a client: CONNECTION with the addresses, then the socket itself.
     */
    public synchronized Connection awaitConnection() throws IOException {
        send(Packets.payload(MonitorMessage.TRANSPORT_READY));
        Connection partial = fields(expect(receive(), MonitorMessage.CONNECTION),
                p -> new Connection(p.getString(), p.getInt(), p.getString(), p.getInt(), null));
        return new Connection(partial.peerAddress(), partial.peerPort(), partial.localAddress(),
                partial.localPort(), receiveFd());
    }

    /**
     * ENGINE_START: asks for the SFTP engine of a session request ("subsystem" with its name,
     * "shell", or "exec" with the command). The monitor decides whether and with which flags
     * an engine runs; the transport gets its end of the engine's socket, or refused. The client's
     * identification line goes along for the engine's client quirks (ClientQuirks).
     */
    public synchronized Fd startEngine(String request, String argument, String clientIdentification)
            throws IOException {
        Buffer req = Packets.payload(MonitorMessage.ENGINE_START);
        req.putString(request);
        req.putString(argument);
        req.putString(clientIdentification);
        fields(expect(call(req), MonitorMessage.ENGINE_STARTED), p -> null);
        return receiveFd();
    }

    /**
     * FORWARD_OPEN: a direct-tcpip channel's target and originator. The monitor decides; the
     * transport gets its end of the socket of the engine that connects as the user (which then
     * sends CONNECT_RESULT over it), or refused.
     */
    public synchronized Fd openForward(String host, int port, String originator, int originatorPort)
            throws IOException {
        Buffer req = Packets.payload(MonitorMessage.FORWARD_OPEN);
        req.putString(host);
        req.putInt(Integer.toUnsignedLong(port));
        req.putString(originator);
        req.putInt(Integer.toUnsignedLong(originatorPort));
        fields(expect(call(req), MonitorMessage.ENGINE_STARTED), p -> null);
        return receiveFd();
    }

    /**
     * An engine's one call: ENGINE_READY, then (pooled, for as long as it takes) its session
     * (ENGINE_ASSIGN) or a connection to make (ENGINE_CONNECT), and its socket.
     */
    public synchronized Assignment awaitAssignment() throws IOException {
        send(Packets.payload(MonitorMessage.ENGINE_READY));
        Buffer assignment = receive();
        MonitorMessage type = MonitorMessage.of(assignment.getUByte());
        if (type != MonitorMessage.ENGINE_ASSIGN && type != MonitorMessage.ENGINE_CONNECT) {
            throw violation("expected ENGINE_ASSIGN or ENGINE_CONNECT, got " + type);
        }
        Assignment partial = fields(assignment, p -> {
            String user = p.getString();
            int uid = p.getInt();
            int gid = p.getInt();
            int[] groups = new int[p.getInt()];
            for (int i = 0; i < groups.length; i++) {
                groups[i] = p.getInt();
            }
            String home = p.getString();
            List<String> flags = new ArrayList<>();
            for (int i = p.getInt(); i > 0; i--) {
                flags.add(p.getString());
            }
            String clientAddress = p.getString();
            String chroot = p.getString();
            String clientIdentification = p.getString();
            boolean audit = p.getBoolean();
            Optional<Target> connect = type == MonitorMessage.ENGINE_CONNECT
                    ? Optional.of(new Target(p.getString(), p.getInt())) : Optional.empty();
            return new Assignment(user, uid, gid, groups, home, flags, clientAddress,
                    chroot.isEmpty() ? Optional.empty() : Optional.of(chroot), clientIdentification, audit, connect,
                    null);
        });
        return new Assignment(partial.user(), partial.uid(), partial.gid(), partial.groups(), partial.home(),
                partial.flags(), partial.clientAddress(), partial.chroot(), partial.clientIdentification(),
                partial.audit(), partial.connect(), receiveFd());
    }

    /**
     * NAME_QUERY, from an engine in a ChrootDirectory (its NSS reads the jail's /etc, if any):
     * the name of a uid or gid, as the monitor's getpwuid/getgrgid give it; empty for none.
     */
    public synchronized Optional<String> name(NameKind kind, int id) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.NAME_QUERY);
        req.putByte((byte) kind.ordinal());
        req.putInt(Integer.toUnsignedLong(id));
        return fields(expect(call(req), MonitorMessage.NAME_REPLY),
                p -> p.getBoolean() ? Optional.of(p.getString()) : Optional.<String>empty());
    }

    /** AUDIT: a batch of operation reports built with {@link AuditBatch}; no reply, so the engine never waits. */
    public synchronized void audit(Buffer batch) throws IOException {
        send(batch);
    }

    /** LOG: a line for the monitor to log at this level; no reply, allowed at any time. */
    public synchronized void log(int level, String text) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.LOG);
        req.putByte((byte) level);
        req.putString(text);
        send(req);
    }

    private AuthResult authResult(Buffer reply) throws IOException {
        int r = fields(expect(reply, MonitorMessage.AUTH_RESULT), p -> p.getUByte());
        if (r >= AuthResult.values().length) {
            throw violation("unknown auth result " + r);
        }
        return AuthResult.values()[r];
    }

    private Buffer call(Buffer request) throws IOException {
        send(request);
        return receive();
    }

    private void send(Buffer request) throws IOException {
        try {
            Packets.write(fd, request);
        } catch (SysCallException e) {
            throw new IOException("monitor channel: " + e.getMessage(), e);
        }
    }

    private Fd receiveFd() throws IOException {
        try {
            return Sockets.receiveFd(fd);
        } catch (SysCallException e) {
            throw new IOException("monitor channel: " + e.getMessage(), e);
        } catch (MonitorProtocolException e) {
            throw violation(e.getMessage());
        }
    }

    private Buffer receive() throws IOException {
        try {
            return Packets.read(fd);
        } catch (SysCallException e) {
            throw new IOException("monitor channel: " + e.getMessage(), e);
        } catch (MonitorProtocolException e) {
            throw violation(e.getMessage());
        } catch (EOFException e) {
            throw new IOException("the monitor closed the channel", e);
        }
    }

    private void ok(Buffer reply) throws IOException {
        fields(expect(reply, MonitorMessage.OK), p -> null);
    }

    /** The reply's fields, after its type byte; FAILURE becomes an IOException with the monitor's reason. */
    private Buffer expect(Buffer reply, MonitorMessage wanted) throws IOException {
        MonitorMessage type = MonitorMessage.of(reply.getUByte());
        if (type == MonitorMessage.FAILURE) {
            throw new RefusedException(fields(reply, Buffer::getString));
        }
        if (type != wanted) {
            throw violation("expected " + wanted + ", got " + type);
        }
        return reply;
    }

    private <T> T fields(Buffer payload, java.util.function.Function<Buffer, T> parse) throws IOException {
        try {
            return Packets.parse(payload, parse);
        } catch (MonitorProtocolException e) {
            throw violation(e.getMessage());
        }
    }

    private IOException violation(String why) {
        return new IOException("monitor protocol violation: " + why);
    }
}
