// One connection's audit trail: its session id, the client, and once authenticated the user; every record it writes carries them.
package dev.sftpd.monitor.audit;

import dev.sftpd.log.Addresses;
import dev.sftpd.monitor.auth.Account;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Everything here is the monitor's own knowledge (the accepted socket's peer, the account that
 * authenticated, the monitor's clock), never a worker's word: a transport or engine cannot put
 * another user, address or session id on a record.
 */
public final class ConnectionAudit {
    /** RFC 3339, UTC, microseconds. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final String id;
    private final InetSocketAddress peer;
    private final long startNanos = System.nanoTime();
    private volatile Account user;

    ConnectionAudit(AuditLog log, String id, InetSocketAddress peer) {
        this.log = log;
        this.id = id;
        this.peer = peer;
    }

    /** The session id its records carry: 16 hex digits, random per connection. */
    public String id() {
        return id;
    }

    void connected(InetSocketAddress local) {
        log.write(record("connect", Instant.now()).put("local", Addresses.text(local.getAddress()))
                .put("local_port", local.getPort()));
    }

    /**
     * An authentication attempt's outcome: "accepted", "partial" (AuthenticationMethods wants
     * more) or "failed", for the user name the client gave; the account's uid when it exists.
     *
     * @param key the key's type and fingerprint ("ED25519", "SHA256:..."), for publickey
     */
    public void authentication(String method, String outcome, String userName, Optional<Account> account,
                               Optional<List<String>> key) {
        if (outcome.equals("accepted")) {
            user = account.orElseThrow();
        }
        Json r = record("auth", Instant.now()).put("method", method).put("result", outcome);
        if (user == null) {
            r.put("user", userName);
            account.ifPresent(a -> r.put("uid", Integer.toUnsignedLong(a.uid())));
        }
        key.ifPresent(k -> r.put("key_type", k.get(0)).put("fingerprint", k.get(1)));
        log.write(r);
    }

    /** An sftp session about to start for the authenticated user: its number on this connection. */
    public SessionAudit session(int number) {
        return new SessionAudit(this, number, log.enabled());
    }

    /** The connection has ended, however it ended. */
    public void disconnected() {
        log.write(record("disconnect", Instant.now()).putMillis("duration_ms", System.nanoTime() - startNanos));
    }

    /** A record with what every one carries: time, event, session id, client, and the user once authenticated. */
    Json record(String event, Instant time) {
        Json r = new Json().put("time", TIME.format(time)).put("event", event).put("session", id)
                .put("client", Addresses.text(peer.getAddress())).put("client_port", peer.getPort());
        Account a = user;
        if (a != null) {
            r.put("user", a.name()).put("uid", Integer.toUnsignedLong(a.uid()));
        }
        return r;
    }

    AuditLog log() {
        return log;
    }
}
