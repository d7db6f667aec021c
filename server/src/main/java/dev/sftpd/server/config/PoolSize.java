// TransportPoolSize, EnginePoolSize: how many pre-started processes a pool keeps ready, and how many after a burst.
package dev.sftpd.server.config;

/**
 * A pool keeps {@code ready} processes started at all times and, after a burst of connections
 * that emptied it, as many as that burst took (the most of the last minutes), up to {@code most}.
 *
 * @param ready kept ready at all times, 0 to {@link #LIMIT}
 * @param most kept ready after a burst, {@code ready} to {@link #LIMIT}; {@link #UP_TO_MAX_STARTUPS}
 *             until {@link #within} gives it MaxStartups' start
 */
public record PoolSize(int ready, int most) {
    static final int LIMIT = 64;
    /** A default's most before the configuration is known: MaxStartups' start. */
    static final int UP_TO_MAX_STARTUPS = -1;
    static final PoolSize TRANSPORTS = new PoolSize(2, UP_TO_MAX_STARTUPS);
    static final PoolSize ENGINES = new PoolSize(1, UP_TO_MAX_STARTUPS);
    static final Syntax<PoolSize> SYNTAX = Syntax.oneLine(PoolSize::parse, PoolSize::toString);

    /** "N" keeps N ready whatever comes; "N:MOST" lets bursts raise that up to MOST. */
    private static PoolSize parse(Directive d) throws ConfigException {
        String[] counts = d.argument().split(":", -1);
        if (counts.length > 2) {
            throw Syntax.invalidSpec(d);
        }
        int ready = Syntax.countUpTo(d, counts[0], LIMIT);
        int most = counts.length == 1 ? ready : Syntax.countUpTo(d, counts[1], LIMIT);
        if (most < ready) {
            throw d.error(d.keyword() + " most (" + most + ") is less than ready (" + ready + ").");
        }
        return new PoolSize(ready, most);
    }

    /**
     * Without a most of its own, bursts may raise the pool to MaxStartups' start: the connections
     * the daemon admits at once without dropping any. A larger burst is refused in part anyway.
     */
    PoolSize within(MaxStartups maxStartups) {
        return most != UP_TO_MAX_STARTUPS ? this
                : new PoolSize(ready, Math.max(ready, Math.min(LIMIT, maxStartups.start())));
    }

    /** As sftpd_config takes it: one number when bursts do not raise the pool. */
    @Override
    public String toString() {
        return most == ready ? Integer.toString(ready) : ready + ":" + most;
    }
}
