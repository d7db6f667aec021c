// The monitor's side of a pooled engine's channel: wait for ENGINE_READY, then hand over one session (ENGINE_ASSIGN) or one connection to make (ENGINE_CONNECT), with its socket.
package dev.sftpd.monitor;

import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;

public final class EngineHandOver {
    private EngineHandOver() {}

    /** An engine sends exactly one message, ENGINE_READY, once its JVM has loaded what a session needs. */
    public static void awaitReady(int channel) throws SysCallException, EOFException, MonitorProtocolException {
        Buffer ready = Packets.read(channel);
        if (MonitorMessage.of(ready.getUByte()) != MonitorMessage.ENGINE_READY) {
            throw new MonitorProtocolException("an engine sent something other than ENGINE_READY");
        }
        Packets.parse(ready, p -> null);
    }

    /**
     * ENGINE_ASSIGN: whom to become and with which flags, the client's identification line (for
     * its quirks), whether to report operations (AUDIT), then the engine's end of its socket.
     */
    public static void assign(int channel, Account account, int[] groups, List<String> flags, String clientAddress,
                              Optional<Path> chroot, String clientIdentification, boolean audit, Fd socket)
            throws SysCallException {
        Buffer assign = assignment(MonitorMessage.ENGINE_ASSIGN, account, groups, flags, clientAddress, chroot);
        assign.putString(clientIdentification);
        assign.putBoolean(audit);
        Packets.write(channel, assign);
        Sockets.sendFd(channel, socket.fd());
    }

    /**
     * ENGINE_CONNECT: as ENGINE_ASSIGN (the flags are the log settings), and the host and port to
     * connect to once the engine is the user; then its socket, over which it sends CONNECT_RESULT.
     */
    public static void connect(int channel, Account account, int[] groups, List<String> logFlags, String clientAddress,
                               Optional<Path> chroot, String host, int port, Fd socket) throws SysCallException {
        Buffer connect = assignment(MonitorMessage.ENGINE_CONNECT, account, groups, logFlags, clientAddress, chroot);
        connect.putString("");
        connect.putBoolean(false);
        connect.putString(host);
        connect.putInt(Integer.toUnsignedLong(port));
        Packets.write(channel, connect);
        Sockets.sendFd(channel, socket.fd());
    }

    private static Buffer assignment(MonitorMessage type, Account account, int[] groups, List<String> flags,
                                     String clientAddress, Optional<Path> chroot) {
        Buffer assign = Packets.payload(type);
        assign.putString(account.name());
        assign.putInt(Integer.toUnsignedLong(account.uid()));
        assign.putInt(Integer.toUnsignedLong(account.gid()));
        assign.putInt(groups.length);
        for (int g : groups) {
            assign.putInt(Integer.toUnsignedLong(g));
        }
        assign.putString(account.home().toString());
        assign.putInt(flags.size());
        flags.forEach(assign::putString);
        assign.putString(clientAddress);
        assign.putString(chroot.map(Path::toString).orElse(""));
        return assign;
    }
}
