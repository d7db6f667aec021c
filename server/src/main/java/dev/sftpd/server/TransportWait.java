// LoginGraceTime while an admitted connection waits for its transport to start.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * With an empty pool on a busy machine a transport can take longer to start than the grace
 * lasts; sshd's alarm ends a connection however far it got, so this one does too: when the
 * grace runs out first, the client's socket is shut down (the connection's thread still owns
 * the descriptor and closes it) and the transport, once it comes, is not handed the connection.
 */
final class TransportWait {
    private static final SshLog log = SshLog.get(TransportWait.class);
    private static final ScheduledExecutorService ALARMS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "transport-wait");
        t.setDaemon(true);
        return t;
    });

    private final Fd client;
    private final InetSocketAddress peer;
    private final ScheduledFuture<?> alarm;
    private boolean over;
    private boolean expired;

    /**
     * Starts the alarm: {@code grace} (zero: none) from the connection's accept at {@code acceptedAt}
     * (System.nanoTime()), which a PROXY header's wait may already have used some of.
     */
    TransportWait(Fd client, InetSocketAddress peer, Duration grace, long acceptedAt) {
        this.client = client;
        this.peer = peer;
        long left = grace.toNanos() - (System.nanoTime() - acceptedAt);
        this.alarm = grace.isZero() ? null : ALARMS.schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    private synchronized void expire() {
        if (!over) {
            expired = true;
            log.info("Timeout before authentication for %s port %d", Addresses.text(peer.getAddress()),
                    peer.getPort());
            Sockets.shutdown(client.fd());
        }
    }

    /** The wait is over (a transport came, or none could): true when the grace ran out first. */
    synchronized boolean end() {
        over = true;
        if (alarm != null) {
            alarm.cancel(false);
        }
        return expired;
    }
}
