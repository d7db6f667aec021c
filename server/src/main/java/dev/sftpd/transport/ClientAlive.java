// sshd's ClientAliveInterval and ClientAliveCountMax: a silent client is asked, and after CountMax unanswered asks, cut.
package dev.sftpd.transport;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * As serverloop.c's client_alive_check(), after authentication only: when nothing at all came
 * from the client for a whole interval, a keepalive@openssh.com global request with want-reply
 * is sent (any client answers it, if only with a failure); any packet from the client resets the
 * count. MINA's own server heartbeat sends SSH_MSG_IGNORE and never expects an answer, so it
 * cannot tell a dead client from a quiet one.
 */
final class ClientAlive {
    static final String REQUEST = "keepalive@openssh.com";

    private final PreauthSession session;
    private final int countMax;
    private long lastSeen;
    private int unanswered;

    private ClientAlive(PreauthSession session, int countMax) {
        this.session = session;
        this.countMax = countMax;
    }

    /** Checks {@code session} every {@code interval} until it closes; nothing for a zero interval. */
    static void start(PreauthSession session, Duration interval, int countMax) {
        if (interval.isZero()) {
            return;
        }
        ClientAlive check = new ClientAlive(session, countMax);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "client-alive");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(check::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        session.addCloseFutureListener(f -> timer.shutdownNow());
    }

    private void check() {
        if (!session.isAuthenticated() || session.isClosing()) {
            return;
        }
        long received = session.lastReceived();
        if (received != lastSeen) {
            lastSeen = received;
            unanswered = 0;
            return;
        }
        if (++unanswered > countMax) {
            session.clientNotResponding();
            return;
        }
        try {
            Buffer request = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 8);
            request.putString(REQUEST);
            request.putBoolean(true);
            session.writePacket(request);
        } catch (java.io.IOException e) {
            session.close(true);
        }
    }
}
