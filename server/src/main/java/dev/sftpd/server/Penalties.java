// OpenSSH 9.8's per-source penalties (srclimit.c): what a connection that ended badly costs its address block.
package dev.sftpd.server;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.LogLevel;
import dev.sftpd.monitor.auth.HostPatterns;
import dev.sftpd.server.config.NetBlockSize;
import dev.sftpd.server.config.PerSourcePenalties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A source (a PerSourceNetBlockSize block) accrues seconds of penalty for each connection that ends
 * before authenticating; once more than {@code min} is outstanding the source is refused at accept
 * until the penalty runs out. Decided on the address the monitor takes for the client's. Thread-safe:
 * connections are refused on the accept threads and penalised at their end on their own.
 */
final class Penalties {
    /** Why a connection is penalised, in srclimit.c's words. */
    enum Kind {
        CRASH("crash", "penalty: caused crash"),
        AUTHFAIL("authfail", "penalty: failed authentication"),
        NOAUTH("noauth", "penalty: connections without attempting authentication"),
        GRACE_EXCEEDED("grace-exceeded", "penalty: exceeded LoginGraceTime");

        /** PerSourcePenalties' word for it. */
        final String label;
        final String reason;

        Kind(String label, String reason) {
            this.label = label;
            this.reason = reason;
        }
    }

    /**
     * @param recorded whether the source's penalty grew (not with penalties off, an exempt address, a zero
     *     penalty or, under overflow:deny-all, a full table)
     * @param log what sshd logs about it
     */
    record Penalised(boolean recorded, List<Admission.LogLine> log) {}

    /** A source's penalty: while active, connections from the source are refused until expiry. */
    private static final class Penalty {
        final ByteBuffer block;
        long expiry;
        boolean active;
        String reason;

        Penalty(ByteBuffer block, long expiry, String reason) {
            this.block = block;
            this.expiry = expiry;
            this.reason = reason;
        }
    }

    /** One address family's table: by source, and by expiry for expiring and for making room. */
    private static final class Table {
        final String name;
        final int maxSources;
        final boolean denyAll;
        final Map<ByteBuffer, Penalty> bySource = new HashMap<>();
        final TreeSet<Penalty> byExpiry = new TreeSet<>(Comparator.<Penalty>comparingLong(p -> p.expiry)
                .thenComparing(p -> p.block));

        Table(String name, int maxSources, boolean denyAll) {
            this.name = name;
            this.maxSources = maxSources;
            this.denyAll = denyAll;
        }

        void expire(long now) {
            while (!byExpiry.isEmpty() && byExpiry.first().expiry < now) {
                bySource.remove(byExpiry.pollFirst().block);
            }
        }
    }

    private final PerSourcePenalties config;
    private final NetBlockSize netBlockSize;
    private final Optional<String> exempt;
    private final LongSupplier nanoTime;
    private final Table ipv4;
    private final Table ipv6;

    /**
     * @param exempt PerSourcePenaltyExemptList: addresses never penalised nor refused for a penalty
     * @param nanoTime a monotonic clock, System::nanoTime
     */
    Penalties(PerSourcePenalties config, NetBlockSize netBlockSize, Optional<String> exempt, LongSupplier nanoTime) {
        this.config = config;
        this.netBlockSize = netBlockSize;
        this.exempt = exempt;
        this.nanoTime = nanoTime;
        this.ipv4 = new Table("ipv4", config.maxSources4(), config.denyAll4());
        this.ipv6 = new Table("ipv6", config.maxSources6(), config.denyAll6());
    }

    /** srclimit_penalty_check_allow(): the reason a new connection from this address is refused, if it is. */
    synchronized Optional<String> refusal(InetAddress address) {
        if (!config.enabled() || isExempt(address)) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        ipv4.expire(now);
        ipv6.expire(now);
        ByteBuffer block = Admission.block(address, netBlockSize);
        Table table = tableOf(block);
        if (table.denyAll && table.bySource.size() >= table.maxSources) {
            return Optional.of("too many penalised addresses");
        }
        Penalty p = table.bySource.get(block);
        return p != null && p.active ? Optional.of(p.reason) : Optional.empty();
    }

    /**
     * srclimit_penalise(): a connection from this address ended so. A source's first penalty is active
     * at once if it exceeds min; later ones add up, to at most max, and activate it once over min.
     *
     */
    synchronized Penalised penalise(InetAddress address, Kind kind) {
        List<Admission.LogLine> log = new ArrayList<>();
        if (!config.enabled()) {
            return new Penalised(false, log);
        }
        if (isExempt(address)) {
            log.add(new Admission.LogLine(LogLevel.DEBUG3,
                    "srclimit_penalise: address " + Addresses.text(address) + " is exempt"));
            return new Penalised(false, log);
        }
        long seconds = seconds(kind).getSeconds();
        if (seconds <= 0) {
            return new Penalised(false, log);
        }
        long now = nanoTime.getAsLong();
        ipv4.expire(now);
        ipv6.expire(now);
        ByteBuffer block = Admission.block(address, netBlockSize);
        Table table = tableOf(block);
        String source = text(block) + "/" + (table == ipv4 ? netBlockSize.ipv4() : netBlockSize.ipv6());
        if (table.denyAll && table.bySource.size() >= table.maxSources) {
            log.add(new Admission.LogLine(LogLevel.VERBOSE, String.format(Locale.ROOT,
                    "srclimit_penalise: %s penalty table full, cannot penalise %s for %s", table.name, source,
                    kind.reason)));
            return new Penalised(false, log);
        }
        Penalty existing = table.bySource.get(block);
        if (existing == null) {
            Penalty p = new Penalty(block, now + seconds * 1_000_000_000L, kind.reason);
            p.active = seconds > config.min().getSeconds();
            table.bySource.put(block, p);
            table.byExpiry.add(p);
            log.add(new Admission.LogLine(LogLevel.VERBOSE, String.format(Locale.ROOT,
                    "srclimit_penalise: %s: new %s %s penalty of %d seconds for %s", table.name, source,
                    p.active ? "active" : "deferred", seconds, kind.reason)));
            // overflow:permissive: the penalties nearest their end make room.
            while (table.bySource.size() > table.maxSources) {
                table.bySource.remove(table.byExpiry.pollFirst().block);
            }
            return new Penalised(true, log);
        }
        log.add(new Admission.LogLine(LogLevel.DEBUG1, String.format(Locale.ROOT,
                "srclimit_penalise: %s penalty for %s %s already exists, %d seconds remaining",
                existing.active ? "active" : "inactive", table.name, source, (existing.expiry - now) / 1_000_000_000L)));
        table.byExpiry.remove(existing);
        long max = config.max().getSeconds() * 1_000_000_000L;
        existing.expiry = Math.min(existing.expiry + seconds * 1_000_000_000L, now + max);
        if (!existing.active && existing.expiry - now > config.min().getSeconds() * 1_000_000_000L) {
            existing.active = true;
            log.add(new Admission.LogLine(LogLevel.VERBOSE, String.format(Locale.ROOT,
                    "srclimit_penalise: %s: activating %s penalty of %d seconds for %s", source, table.name,
                    (existing.expiry - now) / 1_000_000_000L, kind.reason)));
        }
        existing.reason = kind.reason;
        table.byExpiry.add(existing);
        return new Penalised(true, log);
    }

    /** Sources with a penalty (active or deferred), IPv4 and IPv6, for the metrics. */
    synchronized int[] sources() {
        long now = nanoTime.getAsLong();
        ipv4.expire(now);
        ipv6.expire(now);
        return new int[] {ipv4.bySource.size(), ipv6.bySource.size()};
    }

    private Duration seconds(Kind kind) {
        return switch (kind) {
            case CRASH -> config.crash();
            case AUTHFAIL -> config.authFail();
            case NOAUTH -> config.noAuth();
            case GRACE_EXCEEDED -> config.graceExceeded();
        };
    }

    private boolean isExempt(InetAddress address) {
        return exempt.filter(list -> HostPatterns.addressList(address, list) == HostPatterns.Match.YES).isPresent();
    }

    private Table tableOf(ByteBuffer block) {
        return block.remaining() == 4 ? ipv4 : ipv6;
    }

    private static String text(ByteBuffer block) {
        try {
            return Addresses.text(InetAddress.getByAddress(block.array()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
