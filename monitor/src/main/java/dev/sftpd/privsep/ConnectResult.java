// CONNECT_RESULT: how an engine hands its direct-tcpip connection, or the reason there is none, to its transport.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Sent once, over the engine's socket (the one the transport got with ENGINE_STARTED), in the
 * monitor protocol's framing: uint32 reason (0, or an SSH_MSG_CHANNEL_OPEN_FAILURE reason code),
 * string description; the connected socket follows a reason of 0 (SCM_RIGHTS).
 *
 * @param connection present exactly when {@code reason} is 0
 */
public record ConnectResult(int reason, String description, Optional<Fd> connection) {
    public static final int CONNECTED = 0;
    /** SSH_OPEN_CONNECT_FAILED (RFC 4254 5.1). */
    public static final int CONNECT_FAILED = 2;

    public static void sendConnected(int socket, Fd connection) throws SysCallException {
        Packets.write(socket, payload(CONNECTED, ""));
        Sockets.sendFd(socket, connection.fd());
    }

    public static void sendFailed(int socket, String description) throws SysCallException {
        Packets.write(socket, payload(CONNECT_FAILED, description));
    }

    private static Buffer payload(int reason, String description) {
        Buffer result = Packets.payload(MonitorMessage.CONNECT_RESULT);
        result.putInt(reason);
        result.putString(description);
        return result;
    }

    public static ConnectResult receive(int socket) throws SysCallException, EOFException, MonitorProtocolException {
        Buffer result = Packets.read(socket);
        if (MonitorMessage.of(result.getUByte()) != MonitorMessage.CONNECT_RESULT) {
            throw new MonitorProtocolException("an engine sent something other than CONNECT_RESULT");
        }
        record Fields(int reason, String description) {}
        Fields f = Packets.parse(result, p -> new Fields(p.getInt(), Packets.text(p)));
        if (f.reason() == CONNECTED) {
            return new ConnectResult(CONNECTED, "", Optional.of(Sockets.receiveFd(socket)));
        }
        return new ConnectResult(f.reason(), f.description(), Optional.empty());
    }
}
