// systemd's notify protocol (sd_notify(3)): datagrams to $NOTIFY_SOCKET saying the daemon is ready, reloading, stopping.
package dev.sftpd.server;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a unit of Type=notify waits for: READY=1 once every listener is bound, RELOADING=1 (with
 * MONOTONIC_USEC, as Type=notify-reload wants) then READY=1 around a reload, STOPPING=1, and
 * STATUS= lines that systemctl status shows. Without NOTIFY_SOCKET every call does nothing. The
 * variable is passed on to one child only, a successor started by sftpd -O restart, which becomes
 * the service's main process; transports and engines never see it.
 */
final class ServiceManager {
    private static final SshLog log = SshLog.get(ServiceManager.class);
    static final String VARIABLE = "NOTIFY_SOCKET";

    private final Optional<String> socket;
    private Fd fd;
    /** Set once another daemon has taken over: it speaks for the service from then on. */
    private boolean handedOff;

    private ServiceManager(Optional<String> socket) {
        this.socket = socket;
    }

    static ServiceManager fromEnvironment() {
        return new ServiceManager(Optional.ofNullable(System.getenv(VARIABLE)).filter(s -> !s.isEmpty()));
    }

    void ready(String status) {
        send("READY=1\nMAINPID=" + Processes.getpid() + "\nSTATUS=" + status);
    }

    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + Processes.monotonicMicros() + "\nSTATUS=Reloading the configuration");
    }

    void status(String status) {
        send("STATUS=" + status);
    }

    void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    /**
     * Another daemon took this one's sockets over: this one, still the main process, names it
     * the service's main process (so that the unit needs only NotifyAccess=main, which keeps the
     * users' engines in the same cgroup from speaking for the service), then says nothing more.
     */
    synchronized void handOff(int successor) {
        handOff(successor, "Handed over to pid " + successor);
    }

    /**
     * As {@link #handOff(int)}, to a stand-in: this daemon stopped listening and drains its
     * connections, so the SIGTERM that systemctl stop or restart sends the main process next ends
     * the stand-in instead of the sessions.
     */
    synchronized void stepAside(int standIn, String status) {
        handOff(standIn, status);
    }

    private void handOff(int pid, String status) {
        send("MAINPID=" + pid + "\nSTATUS=" + status);
        handedOff = true;
    }

    /** Whether this daemon speaks for a service: started under one, and not handed over. */
    synchronized boolean speaksForService() {
        return socket.isPresent() && !handedOff;
    }

    /** A lost notification is logged, never fatal: the daemon serves whether or not systemd hears it. */
    private synchronized void send(String message) {
        if (socket.isEmpty() || handedOff) {
            return;
        }
        try {
            if (fd == null) {
                fd = Sockets.unixDatagram();
            }
            Sockets.sendTo(fd, message.getBytes(StandardCharsets.UTF_8), socket.get());
        } catch (SysCallException | IllegalArgumentException e) {
            log.error("cannot notify the service manager at %s: %s", socket.get(), e.getMessage());
        }
    }
}
