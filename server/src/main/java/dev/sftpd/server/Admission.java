// Whether a new connection is served, decided before a process is spent on it: penalties, MaxStartups and PerSourceMaxStartups.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.LogLevel;
import dev.sftpd.server.config.MaxStartups;
import dev.sftpd.server.config.NetBlockSize;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Counts unauthenticated connections ("startups") as sshd 9.2's listener does, in total and per source
 * block, and logs refusals with sshd's lines so that fail2ban and logwatch read them as sshd's. Thread-safe:
 * connections are admitted on the accept threads and end on their own.
 */
final class Admission {
    /** What sshd 9.2 writes to a refused client, best effort, before closing the connection. */
    static final String REFUSAL = "Exceeded MaxStartups\r\n";
    /** What sshd 9.8 writes to a client it refuses for its source's penalty. */
    static final String PENALISED = "Not allowed at this time\r\n";
    /** How often sshd repeats that it is still throttling, while it is. */
    private static final long THROTTLING_LOG_SECONDS = 5 * 60;
    /** ::ffff:0:0/96, where IPv6 sockets put IPv4 clients. */
    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /** A line sshd logs for a decision, at sshd's level for it. */
    record LogLine(LogLevel level, String text) {}

    /**
     * @param ticket empty when the connection is refused: write {@link #REFUSAL} (or {@link #PENALISED}) to it
     *     and close it
     * @param log what sshd logs for this connection here, in order; often nothing
     * @param penalised refused because its source is penalised (PerSourcePenalties), not for MaxStartups
     */
    record Decision(Optional<Ticket> ticket, List<LogLine> log, boolean penalised) {}

    private final MaxStartups maxStartups;
    private final OptionalInt perSourceMaxStartups;
    private final NetBlockSize netBlockSize;
    private final Penalties penalties;
    private final RandomGenerator random;
    private final LongSupplier nanoTime;

    private int startups;
    /** Startups per source block, by masked address bytes; kept only under a per-source limit, as in sshd. */
    private final Map<ByteBuffer, Integer> perBlock = new HashMap<>();
    /** sshd's MaxStartups "throttling" episode, from the first refusal until the startups fall back. */
    private boolean throttling;
    private long firstDrop;
    private long lastDrop;
    private int dropped;

    /**
     * @param perSourceMaxStartups empty for no per-source limit
     * @param penalties the sources refused for what their connections did, checked first as sshd does
     * @param random draws the random early drops (sshd uses arc4random: give a SecureRandom)
     * @param nanoTime a monotonic clock, System::nanoTime, for the throttling log lines' durations
     */
    Admission(MaxStartups maxStartups, OptionalInt perSourceMaxStartups, NetBlockSize netBlockSize,
              Penalties penalties, RandomGenerator random, LongSupplier nanoTime) {
        this.maxStartups = maxStartups;
        this.perSourceMaxStartups = perSourceMaxStartups;
        this.netBlockSize = netBlockSize;
        this.penalties = penalties;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** sshd's drop_connection() for a connection just accepted from peer on local. */
    synchronized Decision admit(InetSocketAddress peer, InetSocketAddress local) {
        Optional<String> penalty = penalties.refusal(peer.getAddress());
        if (penalty.isPresent()) {
            return penalised(peer, local, penalty.get());
        }
        Optional<ByteBuffer> block = sourceBlock(peer);
        if (!randomEarlyDrop() && block.map(this::hasRoom).orElse(true)) {
            List<LogLine> log = throttlingOver();
            return new Decision(Optional.of(new Ticket(block, false)), log, false);
        }
        return drop(peer, local);
    }

    /**
     * A connection from a trusted load balancer (ProxyProtocol), whose client is not known until
     * its PROXY header is read: only MaxStartups is decided now, so that connections waiting for
     * their header are counted and bounded like any other; the per-source limit is the client's,
     * decided by {@link Ticket#from} once the header names it.
     */
    synchronized Decision admitFromBalancer(InetSocketAddress balancer, InetSocketAddress local) {
        if (!randomEarlyDrop()) {
            List<LogLine> log = throttlingOver();
            return new Decision(Optional.of(new Ticket(Optional.empty(), true)), log, false);
        }
        return drop(balancer, local);
    }

    private Optional<ByteBuffer> sourceBlock(InetSocketAddress peer) {
        return perSourceMaxStartups.isPresent() ? Optional.of(block(peer.getAddress(), netBlockSize)) : Optional.empty();
    }

    /**
     * sshd's own hysteresis, judged before the admitted connection is counted: throttling ends a
     * little below start, so that one connection more does not toggle it.
     */
    private List<LogLine> throttlingOver() {
        if (throttling && startups < maxStartups.start() - 1) {
            throttling = false;
            return List.of(new LogLine(LogLevel.INFO, String.format(Locale.ROOT,
                    "exited MaxStartups throttling after %s, %d connections dropped",
                    timeframe(now() - firstDrop), dropped)));
        }
        return List.of();
    }

    private long now() {
        return Math.floorDiv(nanoTime.getAsLong(), 1_000_000_000L);
    }

    /** A refusal for the source's penalty (PerSourcePenalties), with sshd 9.8's line for it. */
    private Decision penalised(InetSocketAddress peer, InetSocketAddress local, String penalty) {
        return new Decision(Optional.empty(), List.of(new LogLine(LogLevel.INFO, drop(peer, local, penalty))), true);
    }

    /** A refusal, with sshd's lines for it. */
    private Decision drop(InetSocketAddress peer, InetSocketAddress local) {
        long now = now();
        List<LogLine> log = new ArrayList<>();
        // The first refusal of an episode, and one every five minutes, stand out at INFO; the rest are VERBOSE.
        LogLevel level = LogLevel.VERBOSE;
        if (!throttling) {
            log.add(new LogLine(LogLevel.ERROR, "beginning MaxStartups throttling"));
            level = LogLevel.INFO;
            throttling = true;
            firstDrop = now;
            dropped = 0;
        } else if (lastDrop + THROTTLING_LOG_SECONDS < now) {
            log.add(new LogLine(LogLevel.ERROR, String.format(Locale.ROOT,
                    "in MaxStartups throttling for %s, %d connections dropped",
                    timeframe(now - firstDrop), dropped + 1)));
            level = LogLevel.INFO;
        }
        lastDrop = now;
        dropped++;
        log.add(new LogLine(level, drop(peer, local, "past MaxStartups")));
        return new Decision(Optional.empty(), log, false);
    }

    /** sshd's line for a refused connection, with the reason it gives. */
    private String drop(InetSocketAddress peer, InetSocketAddress local, String reason) {
        return String.format(Locale.ROOT, "drop connection #%d from [%s]:%d on [%s]:%d %s", startups,
                Addresses.text(peer.getAddress()), peer.getPort(), Addresses.text(local.getAddress()), local.getPort(),
                reason);
    }

    /**
     * sshd's should_drop_connection(): below start never, from full on always, in between with a probability
     * rising linearly from rate percent, computed in whole percent as sshd does and drawn from 0..99.
     */
    private boolean randomEarlyDrop() {
        if (startups < maxStartups.start()) {
            return false;
        }
        if (startups >= maxStartups.full() || maxStartups.rate() == 100) {
            return true;
        }
        long percent = (100L - maxStartups.rate()) * (startups - maxStartups.start())
                / (maxStartups.full() - maxStartups.start()) + maxStartups.rate();
        return random.nextInt(100) < percent;
    }

    /** sshd's srclimit_check_allow(): whether a source block holds fewer startups than PerSourceMaxStartups. */
    private boolean hasRoom(ByteBuffer block) {
        return perBlock.getOrDefault(block, 0) < perSourceMaxStartups.getAsInt();
    }

    /**
     * The source a client counts against: its address with only the netblock's leading bits kept. An
     * IPv4-mapped IPv6 address is the IPv4 client it stands for.
     */
    static ByteBuffer block(InetAddress address, NetBlockSize netBlockSize) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16 && Arrays.mismatch(bytes, IPV4_MAPPED_PREFIX) == IPV4_MAPPED_PREFIX.length) {
            bytes = Arrays.copyOfRange(bytes, IPV4_MAPPED_PREFIX.length, 16);
        }
        int bits = bytes.length == 4 ? netBlockSize.ipv4() : netBlockSize.ipv6();
        for (int i = 0; i < bytes.length; i++) {
            int kept = Math.max(0, Math.min(8, bits - 8 * i));
            bytes[i] &= (byte) (0xff00 >> kept);
        }
        return ByteBuffer.wrap(bytes);
    }

    /** sshd's fmt_timeframe(): hh:mm:ss under a day, then 1d02h03m, then 01w2d03h. */
    static String timeframe(long seconds) {
        long weeks = seconds / (7 * 86400);
        long days = seconds / 86400 % 7;
        long hours = seconds / 3600 % 24;
        long minutes = seconds / 60 % 60;
        if (weeks > 0) {
            return String.format(Locale.ROOT, "%02dw%dd%02dh", weeks, days, hours);
        }
        if (days > 0) {
            return String.format(Locale.ROOT, "%dd%02dh%02dm", days, hours, minutes);
        }
        return String.format(Locale.ROOT, "%02d:%02d:%02d", hours, minutes, seconds % 60);
    }

    /**
     * An admitted connection's place among the startups, held until it authenticates or ends, whichever comes
     * first (sshd closes the startup pipe at either).
     */
    final class Ticket implements AutoCloseable {
        private Optional<ByteBuffer> block;
        private boolean counted = true;
        /** Admitted from a balancer, its client not named yet: {@link #from} may be called, once. */
        private boolean awaitingSource;

        private Ticket(Optional<ByteBuffer> block, boolean awaitingSource) {
            this.block = block;
            this.awaitingSource = awaitingSource;
            startups++;
            block.ifPresent(b -> perBlock.merge(b, 1, Integer::sum));
        }

        /**
         * The PROXY header of a connection {@link #admitFromBalancer admitted from a balancer}
         * named its client (or, for a health check, the balancer itself): the connection counts
         * against that source's PerSourceMaxStartups from now on, or, when the source is full,
         * is refused as sshd refuses it (this ticket is then released).
         */
        Decision from(InetSocketAddress client, InetSocketAddress local) {
            synchronized (Admission.this) {
                // The balancer is never penalised for its clients: the client the header names is.
                Optional<String> penalty = penalties.refusal(client.getAddress());
                if (penalty.isPresent()) {
                    release();
                    return penalised(client, local, penalty.get());
                }
                Optional<ByteBuffer> source = sourceBlock(client);
                if (counted && awaitingSource && source.map(Admission.this::hasRoom).orElse(true)) {
                    awaitingSource = false;
                    block = source;
                    source.ifPresent(b -> perBlock.merge(b, 1, Integer::sum));
                    return new Decision(Optional.of(this), List.of(), false);
                }
                release();
                return drop(client, local);
            }
        }

        /** The connection authenticated: it no longer counts against MaxStartups or PerSourceMaxStartups. */
        void authenticated() {
            release();
        }

        /** The connection ended; harmless after {@link #authenticated()}. */
        @Override
        public void close() {
            release();
        }

        private void release() {
            synchronized (Admission.this) {
                if (counted) {
                    counted = false;
                    startups--;
                    block.ifPresent(b -> perBlock.computeIfPresent(b, (k, n) -> n == 1 ? null : n - 1));
                }
            }
        }
    }
}
