// How the monitor gets an engine for an authenticated session, or for a direct-tcpip connection: the daemon's pool of pre-started engines.
package dev.sftpd.monitor;

import dev.sftpd.monitor.audit.SessionAudit;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.privsep.Fd;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

public interface Engines {
    /**
     * An engine that becomes this account (with these supplementary groups) and serves sftp
     * with these sftp-server flags, chrooted to {@code chroot} (checked by {@link ChrootCheck})
     * if present; the monitor records the login under its session pid. The client's identification
     * line tells the engine which of its quirks to serve. With {@code audit} enabled, the engine
     * reports its operations to it.
     */
    Started start(Account account, int[] groups, List<String> flags, String clientAddress, Optional<Path> chroot,
                  String clientIdentification, SessionAudit audit) throws SysCallException;

    /**
     * An engine that becomes this account, as for {@link #start}, connects to host and port
     * (direct-tcpip), passes the connection to the transport over its socket, and ends; no login
     * is recorded. {@code logFlags} are the engine's log settings (-l, -f, -e); {@code audit} is the
     * connection's, for the engine's channel (it reports no operation).
     */
    Started connect(Account account, int[] groups, List<String> logFlags, String clientAddress, Optional<Path> chroot,
                    SessionAudit audit, String host, int port) throws SysCallException;

    /**
     * @param sessionPid the process of the session that carries the user's audit loginuid: the
     *     one the login record names
     * @param transportEnd the socket the transport relays the channel's data over
     * @param exited completes when the engine has ended, with its wait status described
     * @param kill ends the engine at once (the daemon stopping, the connection gone)
     */
    record Started(int sessionPid, Fd transportEnd, CompletableFuture<String> exited, Runnable kill) {}
}
