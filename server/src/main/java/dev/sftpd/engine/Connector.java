// An engine's direct-tcpip connection: made as the user, handed to the transport, and the engine is done.
package dev.sftpd.engine;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.ConnectResult;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * As sshd's connect_to_helper(): the host is resolved (names through the user's NSS, or the jail's
 * files in a ChrootDirectory), each address tried in turn; the first connection goes to the
 * transport. The wording of the log lines is sshd's.
 */
final class Connector {
    private static final SshLog log = SshLog.get(Connector.class);

    private Connector() {}

    /** @return the engine's exit status: 0 when the connection was handed over */
    static int connect(MonitorCalls.Target target, Fd transport) {
        try {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(target.host());
            } catch (UnknownHostException e) {
                log.error("connect_to %s: unknown host (Name or service not known)", target.host());
                ConnectResult.sendFailed(transport.fd(), "Name or service not known");
                return 1;
            }
            String why = "Connection refused";
            for (InetAddress address : addresses) {
                try (Fd connection = Sockets.connect(new InetSocketAddress(address, target.port()))) {
                    ConnectResult.sendConnected(transport.fd(), connection);
                    return 0;
                } catch (SysCallException e) {
                    why = e.reason();
                    log.debug1("connect_next: host %s ([%s]:%d): %s", target.host(), Addresses.text(address),
                            target.port(), why);
                }
            }
            log.error("connect_to %s port %d: failed.", target.host(), target.port());
            ConnectResult.sendFailed(transport.fd(), why);
            return 1;
        } catch (SysCallException e) {
            log.error("engine: cannot hand the connection to %s port %d over: %s", target.host(), target.port(),
                    e.getMessage());
            return 255;
        }
    }
}
