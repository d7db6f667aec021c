// The worker's side of the monitor protocol: one blocking call per request (as OpenSSH's monitor_wrap.c).
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.util.buffer.Buffer;

/** Thread-safe: one request at a time is on the wire, as the protocol requires. */
public final class MonitorCalls {
    /** The descriptor the worker inherits its monitor channel on. */
    public static final int CHANNEL_FD = 3;

    /** The configuration, the host keys' public blobs, and the ids to hold before authentication. */
    public record Hello(String config, List<byte[]> hostKeyBlobs, int unprivilegedUid, int unprivilegedGid) {}

    /** Who the monitor says the worker becomes. */
    /** forcedCommand: what the authenticating key or certificate forces ("" for nothing). */
    public record Identity(String user, int uid, int gid, String home, int[] groups, String forcedCommand) {}

    /** AUTH_RESULT: PARTIAL means this method succeeded and AuthenticationMethods wants another. */
    public enum AuthResult { REFUSED, KEY_ACCEPTABLE, AUTHENTICATED, PARTIAL, NO_MORE_ATTEMPTS }

    /** One round of keyboard-interactive prompts. */
    public record KbdIntQuery(String name, String instruction, List<String> prompts, List<Boolean> echo) {}

    /** Either another round of prompts or the outcome. */
    public record KbdIntStep(KbdIntQuery query, AuthResult result) {}

    private final int fd;

    public MonitorCalls(int fd) {
        this.fd = fd;
    }

    /** The monitor's first message; call once, before anything else. */
    public synchronized Hello hello() throws IOException {
        Buffer b = expect(receive(), MonitorMessage.HELLO);
        return fields(b, p -> {
            String config = p.getString();
            int n = p.getInt();
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(p.getBytes());
            }
            return new Hello(config, keys, p.getInt(), p.getInt());
        });
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

    public synchronized AuthResult authPassword(String user, String password) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_PASSWORD);
        req.putString(user);
        req.putString(password);
        return authResult(call(req));
    }

    public synchronized KbdIntStep kbdIntStart(String user, String submethods) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_KBDINT_START);
        req.putString(user);
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

    public synchronized Identity authContext(String user) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.AUTH_CONTEXT);
        req.putString(user);
        return fields(expect(call(req), MonitorMessage.AUTH_CONTEXT_REPLY),
                p -> {
                    Identity partial = new Identity(p.getString(), p.getInt(), p.getInt(), p.getString(), null, null);
                    int[] groups = new int[p.getInt()];
                    for (int i = 0; i < groups.length; i++) {
                        groups[i] = p.getInt();
                    }
                    return new Identity(partial.user(), partial.uid(), partial.gid(), partial.home(), groups,
                            p.getString());
                });
    }

    public synchronized void recordLogin() throws IOException {
        ok(call(Packets.payload(MonitorMessage.RECORD_LOGIN)));
    }

    public synchronized void recordLogout() throws IOException {
        ok(call(Packets.payload(MonitorMessage.RECORD_LOGOUT)));
    }

    /** kind 0: user name of a uid; kind 1: group name of a gid; "" when unknown. */
    public synchronized String name(int kind, int id) throws IOException {
        Buffer req = Packets.payload(MonitorMessage.NAMES);
        req.putByte((byte) kind);
        req.putInt(Integer.toUnsignedLong(id));
        return fields(expect(call(req), MonitorMessage.NAMES_REPLY), Buffer::getString);
    }

    private AuthResult authResult(Buffer reply) throws IOException {
        int r = fields(expect(reply, MonitorMessage.AUTH_RESULT), p -> p.getUByte());
        if (r >= AuthResult.values().length) {
            throw violation("unknown auth result " + r);
        }
        return AuthResult.values()[r];
    }

    private Buffer call(Buffer request) throws IOException {
        try {
            Packets.write(fd, request);
        } catch (SysCallException e) {
            throw new IOException("monitor channel: " + e.getMessage(), e);
        }
        return receive();
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
            throw new IOException("monitor refused: " + fields(reply, Buffer::getString));
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
