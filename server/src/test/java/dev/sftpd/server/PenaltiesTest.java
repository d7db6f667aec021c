// Penalties: OpenSSH 9.8's srclimit_penalise() and srclimit_penalty_check_allow(), their arithmetic and their log lines.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.server.Admission.LogLine;
import dev.sftpd.server.config.NetBlockSize;
import dev.sftpd.server.config.PerSourcePenalties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PenaltiesTest {
    static final PerSourcePenalties OFF = new PerSourcePenalties(false, Duration.ofSeconds(90), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(15), 65536,
            65536, false, false);
    private static final PerSourcePenalties DEFAULTS = PerSourcePenalties.DEFAULT;
    private static final NetBlockSize WHOLE_ADDRESSES = new NetBlockSize(32, 128);

    private final AtomicLong nanoTime = new AtomicLong(1_000_000_000_000L);

    private Penalties penalties(PerSourcePenalties config, NetBlockSize blocks, Optional<String> exempt) {
        return new Penalties(config, blocks, exempt, nanoTime::get);
    }

    private void seconds(long n) {
        nanoTime.addAndGet(n * 1_000_000_000L);
    }

    @Test
    void failedAuthenticationsAreDeferredUntilTheyAddUpToMoreThanMinThenRefuseTheSource() {
        Penalties p = penalties(DEFAULTS, WHOLE_ADDRESSES, Optional.empty());
        InetAddress client = address("192.0.2.3");

        assertEquals(List.of(new LogLine(LogLevel.VERBOSE, "srclimit_penalise: ipv4: new 192.0.2.3/32 deferred "
                + "penalty of 5 seconds for penalty: failed authentication")),
                p.penalise(client, Penalties.Kind.AUTHFAIL).log());
        p.penalise(client, Penalties.Kind.AUTHFAIL);
        p.penalise(client, Penalties.Kind.AUTHFAIL);
        assertEquals(Optional.empty(), p.refusal(client), "15 seconds is not more than min:15");

        List<LogLine> fourth = p.penalise(client, Penalties.Kind.AUTHFAIL).log();

        assertTrue(fourth.contains(new LogLine(LogLevel.VERBOSE, "srclimit_penalise: 192.0.2.3/32: activating ipv4 "
                + "penalty of 20 seconds for penalty: failed authentication")), fourth.toString());
        assertEquals(Optional.of("penalty: failed authentication"), p.refusal(client));
        assertEquals(Optional.empty(), p.refusal(address("192.0.2.4")), "another source is not refused");
    }

    @Test
    void aPenaltyEndsWhenItsTimeIsUp() {
        Penalties p = penalties(DEFAULTS, WHOLE_ADDRESSES, Optional.empty());
        InetAddress client = address("192.0.2.3");
        p.penalise(client, Penalties.Kind.CRASH);
        assertEquals(Optional.of("penalty: caused crash"), p.refusal(client), "crash:90 is over min:15 at once");

        seconds(89);
        assertTrue(p.refusal(client).isPresent());
        seconds(2);

        assertEquals(Optional.empty(), p.refusal(client));
        assertEquals(0, p.sources()[0]);
    }

    @Test
    void penaltiesAddUpToMaxAndNoFurther() {
        Penalties p = penalties(DEFAULTS, WHOLE_ADDRESSES, Optional.empty());
        InetAddress client = address("192.0.2.3");
        for (int i = 0; i < 10; i++) {
            p.penalise(client, Penalties.Kind.CRASH);
        }

        seconds(599);
        assertTrue(p.refusal(client).isPresent());
        seconds(2);

        assertEquals(Optional.empty(), p.refusal(client), "max:600 caps the sum of ten crashes (900 s)");
    }

    @Test
    void aSourceIsItsNetBlock() {
        Penalties p = penalties(DEFAULTS, new NetBlockSize(24, 64), Optional.empty());
        p.penalise(address("192.0.2.3"), Penalties.Kind.CRASH);

        assertTrue(p.refusal(address("192.0.2.200")).isPresent());
        assertFalse(p.refusal(address("192.0.3.3")).isPresent());
        assertEquals(List.of(new LogLine(LogLevel.VERBOSE, "srclimit_penalise: ipv6: new 2001:db8::/64 active "
                + "penalty of 90 seconds for penalty: caused crash")),
                p.penalise(address("2001:db8::1"), Penalties.Kind.CRASH).log());
        assertTrue(p.refusal(address("2001:db8::ffff")).isPresent());
    }

    @Test
    void anExemptAddressIsNeitherPenalisedNorRefused() {
        Penalties p = penalties(DEFAULTS, new NetBlockSize(24, 64), Optional.of("192.0.2.0/28,!192.0.2.9"));

        assertFalse(p.penalise(address("192.0.2.3"), Penalties.Kind.CRASH).recorded());
        assertTrue(p.penalise(address("192.0.2.9"), Penalties.Kind.CRASH).recorded(), "negated in the list");
        assertFalse(p.refusal(address("192.0.2.3")).isPresent(), "exempt though its block is penalised");
        assertTrue(p.refusal(address("192.0.2.100")).isPresent());
    }

    @Test
    void permissiveOverflowDropsThePenaltyNearestItsEnd() {
        PerSourcePenalties two = new PerSourcePenalties(true, Duration.ofSeconds(90), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(15), 2, 2,
                false, false);
        Penalties p = penalties(two, WHOLE_ADDRESSES, Optional.empty());
        p.penalise(address("192.0.2.1"), Penalties.Kind.CRASH);
        seconds(1);
        p.penalise(address("192.0.2.2"), Penalties.Kind.CRASH);
        p.penalise(address("192.0.2.3"), Penalties.Kind.CRASH);

        assertFalse(p.refusal(address("192.0.2.1")).isPresent(), "the oldest made room");
        assertTrue(p.refusal(address("192.0.2.2")).isPresent());
        assertTrue(p.refusal(address("192.0.2.3")).isPresent());
    }

    @Test
    void denyAllOverflowRefusesEveryoneWhileTheTableIsFull() {
        PerSourcePenalties one = new PerSourcePenalties(true, Duration.ofSeconds(90), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(600), Duration.ofSeconds(15), 1, 1,
                true, false);
        Penalties p = penalties(one, WHOLE_ADDRESSES, Optional.empty());
        p.penalise(address("192.0.2.1"), Penalties.Kind.NOAUTH);

        assertEquals(Optional.of("too many penalised addresses"), p.refusal(address("192.0.2.77")));
        assertFalse(p.penalise(address("192.0.2.2"), Penalties.Kind.CRASH).recorded());
        assertFalse(p.refusal(address("2001:db8::1")).isPresent(), "IPv6 has its own table, permissive");
    }

    @Test
    void nothingHappensWithPenaltiesOff() {
        Penalties p = penalties(OFF, WHOLE_ADDRESSES, Optional.empty());
        assertFalse(p.penalise(address("192.0.2.1"), Penalties.Kind.CRASH).recorded());
        assertFalse(p.refusal(address("192.0.2.1")).isPresent());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
