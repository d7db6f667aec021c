// Admission: sshd's MaxStartups random early drop, PerSourceMaxStartups by netblock, and the lines sshd logs for both.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.server.Admission.Decision;
import dev.sftpd.server.Admission.LogLine;
import dev.sftpd.server.Admission.Ticket;
import dev.sftpd.server.config.MaxStartups;
import dev.sftpd.server.config.NetBlockSize;
import dev.sftpd.server.config.PerSourcePenalties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress(address("198.51.100.1"), 22);
    private static final NetBlockSize WHOLE_ADDRESSES = new NetBlockSize(32, 128);
    private static final Penalties NO_PENALTIES = new Penalties(PenaltiesTest.OFF, WHOLE_ADDRESSES, Optional.empty(),
            System::nanoTime);

    private final AtomicLong nanoTime = new AtomicLong();

    /** A draw of 0..99 that is always the same: 0 drops whenever sshd might, 99 only when it must. */
    private record Draw(int value) implements RandomGenerator {
        @Override
        public long nextLong() {
            return value;
        }

        @Override
        public int nextInt(int bound) {
            return value;
        }
    }

    private Admission admission(MaxStartups max, RandomGenerator random) {
        return new Admission(max, OptionalInt.empty(), WHOLE_ADDRESSES, NO_PENALTIES, random, nanoTime::get);
    }

    private Admission perSource(int limit, NetBlockSize blocks) {
        return new Admission(new MaxStartups(10, 30, 100), OptionalInt.of(limit), blocks, NO_PENALTIES, new Draw(0),
                nanoTime::get);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Decision from(Admission admission, String client) {
        return admission.admit(new InetSocketAddress(address(client), 50000), LOCAL);
    }

    private static Ticket admitted(Admission admission, String client) {
        Decision d = from(admission, client);
        assertTrue(d.ticket().isPresent(), client + " was refused: " + d.log());
        return d.ticket().get();
    }

    /** Admits times connections from client, each of which must be admitted. */
    private static List<Ticket> admitted(Admission admission, String client, int times) {
        return IntStream.range(0, times).mapToObj(i -> admitted(admission, client)).toList();
    }

    private static void refused(Admission admission, String client) {
        assertTrue(from(admission, client).ticket().isEmpty(), client + " was admitted");
    }

    private void secondsLater(long seconds) {
        nanoTime.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    // MaxStartups

    @Test
    void belowStartEveryConnectionIsAdmitted() {
        Admission a = admission(new MaxStartups(3, 30, 10), new Draw(0));
        admitted(a, "192.0.2.1", 3);
        refused(a, "192.0.2.1");
    }

    @Test
    void fromFullEveryConnectionIsDropped() {
        Admission a = admission(new MaxStartups(3, 30, 10), new Draw(99));
        admitted(a, "192.0.2.1", 10);
        refused(a, "192.0.2.1");
        refused(a, "192.0.2.2");
    }

    @Test
    void rate100DropsEveryConnectionFromStart() {
        Admission a = admission(new MaxStartups(2, 100, 5), new Draw(99));
        admitted(a, "192.0.2.1", 2);
        refused(a, "192.0.2.1");
    }

    /** The share of connections refused with {@code startups} unauthenticated ones held, over many tries. */
    private static double dropRate(MaxStartups max, int startups) {
        Admission a = new Admission(max, OptionalInt.empty(), WHOLE_ADDRESSES, NO_PENALTIES, new SplittableRandom(startups),
                System::nanoTime);
        int held = 0;
        while (held < startups) {
            held += from(a, "192.0.2.1").ticket().isPresent() ? 1 : 0;
        }
        int tries = 20_000;
        long drops = IntStream.range(0, tries).filter(i -> {
            Decision d = from(a, "192.0.2.1");
            d.ticket().ifPresent(Ticket::close);
            return d.ticket().isEmpty();
        }).count();
        return (double) drops / tries;
    }

    @Test
    void betweenStartAndFullTheDropRateRisesLinearlyFromRate() {
        MaxStartups max = new MaxStartups(10, 30, 100);
        // sshd's percentage, in whole numbers: rate + (100 - rate) * (n - start) / (full - start).
        assertEquals(0.30, dropRate(max, 10), 0.015);
        assertEquals(0.65, dropRate(max, 55), 0.015);
        assertEquals(0.99, dropRate(max, 99), 0.005);
    }

    @Test
    void anAuthenticatedConnectionNoLongerCounts() {
        Admission a = admission(new MaxStartups(2, 30, 2), new Draw(99));
        Ticket first = admitted(a, "192.0.2.1");
        admitted(a, "192.0.2.2");
        refused(a, "192.0.2.3");
        first.authenticated();
        admitted(a, "192.0.2.3");
    }

    @Test
    void aClosedConnectionNoLongerCounts() {
        Admission a = admission(new MaxStartups(2, 30, 2), new Draw(99));
        Ticket first = admitted(a, "192.0.2.1");
        admitted(a, "192.0.2.2");
        first.close();
        admitted(a, "192.0.2.3");
    }

    @Test
    void aTicketFreesItsSlotOnlyOnce() {
        Admission a = admission(new MaxStartups(2, 30, 2), new Draw(99));
        Ticket first = admitted(a, "192.0.2.1");
        admitted(a, "192.0.2.2");
        first.authenticated();
        first.authenticated();
        first.close();
        admitted(a, "192.0.2.3");
        refused(a, "192.0.2.4");
    }

    // PerSourceMaxStartups

    @Test
    void withoutAPerSourceLimitOneAddressMayTakeEveryStartup() {
        admitted(admission(new MaxStartups(10, 30, 100), new Draw(0)), "192.0.2.1", 10);
    }

    @Test
    void theLimitCountsUnauthenticatedConnectionsPerIpv4Block() {
        Admission a = perSource(2, new NetBlockSize(24, 128));
        admitted(a, "192.0.2.1");
        admitted(a, "192.0.2.200");
        refused(a, "192.0.2.77");
        admitted(a, "192.0.3.5");
    }

    @Test
    void aBlocksSlotIsFreedWhenOneOfItsConnectionsAuthenticatesOrCloses() {
        Admission a = perSource(1, new NetBlockSize(24, 128));
        Ticket first = admitted(a, "192.0.2.1");
        refused(a, "192.0.2.2");
        first.authenticated();
        Ticket second = admitted(a, "192.0.2.2");
        refused(a, "192.0.2.3");
        second.close();
        admitted(a, "192.0.2.3");
    }

    @Test
    void byDefaultEachAddressIsItsOwnSource() {
        Admission a = perSource(1, WHOLE_ADDRESSES);
        admitted(a, "192.0.2.1");
        refused(a, "192.0.2.1");
        admitted(a, "192.0.2.2");
        admitted(a, "2001:db8::1");
        refused(a, "2001:db8::1");
        admitted(a, "2001:db8::2");
    }

    @Test
    void ipv6AddressesAreGroupedByTheirOwnPrefixLength() {
        Admission a = perSource(1, new NetBlockSize(32, 64));
        admitted(a, "2001:db8:1:2::1");
        refused(a, "2001:db8:1:2:ffff:ffff:ffff:fffe");
        admitted(a, "2001:db8:1:3::1");
    }

    @Test
    void anIpv4MappedAddressCountsAsTheIpv4ClientItStandsFor() throws Exception {
        Admission a = perSource(1, new NetBlockSize(24, 128));
        admitted(a, "192.0.2.1");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 9};
        Decision d = a.admit(new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 50000), LOCAL);
        assertTrue(d.ticket().isEmpty());
    }

    // What sshd logs

    @Test
    void theFirstDropOfAnEpisodeIsLoggedAtInfoAfterAnError() {
        Admission a = admission(new MaxStartups(1, 30, 1), new Draw(99));
        admitted(a, "192.0.2.1");
        Decision d = a.admit(new InetSocketAddress(address("203.0.113.9"), 50123), LOCAL);
        assertEquals(List.of(new LogLine(LogLevel.ERROR, "beginning MaxStartups throttling"),
                new LogLine(LogLevel.INFO, "drop connection #1 from [203.0.113.9]:50123 on [198.51.100.1]:22 "
                        + "past MaxStartups")), d.log());
    }

    @Test
    void laterDropsAreVerbose() {
        Admission a = admission(new MaxStartups(1, 30, 1), new Draw(99));
        admitted(a, "192.0.2.1");
        refused(a, "203.0.113.9");
        secondsLater(300);
        assertEquals(List.of(new LogLine(LogLevel.VERBOSE,
                "drop connection #1 from [203.0.113.9]:50000 on [198.51.100.1]:22 past MaxStartups")),
                from(a, "203.0.113.9").log());
    }

    @Test
    void aDropMoreThanFiveMinutesAfterTheLastRepeatsThatThrottlingGoesOn() {
        Admission a = admission(new MaxStartups(1, 30, 1), new Draw(99));
        admitted(a, "192.0.2.1");
        refused(a, "203.0.113.9");
        secondsLater(301);
        assertEquals(List.of(new LogLine(LogLevel.ERROR, "in MaxStartups throttling for 00:05:01, 2 connections "
                        + "dropped"), new LogLine(LogLevel.INFO,
                        "drop connection #1 from [203.0.113.9]:50000 on [198.51.100.1]:22 past MaxStartups")),
                from(a, "203.0.113.9").log());
    }

    @Test
    void throttlingEndsWhenStartupsFallBelowStartLessOne() {
        Admission a = admission(new MaxStartups(3, 30, 3), new Draw(99));
        List<Ticket> held = admitted(a, "192.0.2.1", 3);
        refused(a, "192.0.2.1");
        secondsLater(90);
        refused(a, "192.0.2.1");
        held.get(0).close();
        // Two startups held: not below start - 1, so the episode goes on.
        Decision stillThrottling = from(a, "192.0.2.1");
        assertEquals(List.of(), stillThrottling.log());
        stillThrottling.ticket().orElseThrow().close();
        held.get(1).close();
        secondsLater(3600);
        assertEquals(List.of(new LogLine(LogLevel.INFO,
                "exited MaxStartups throttling after 01:01:30, 2 connections dropped")), from(a, "192.0.2.1").log());
        assertEquals(List.of(), from(a, "192.0.2.1").log());
    }

    @Test
    void aPerSourceRefusalIsLoggedAsSshd92LogsIt() {
        Admission a = perSource(1, WHOLE_ADDRESSES);
        admitted(a, "203.0.113.9");
        assertEquals(List.of(new LogLine(LogLevel.ERROR, "beginning MaxStartups throttling"),
                new LogLine(LogLevel.INFO,
                        "drop connection #1 from [203.0.113.9]:50000 on [198.51.100.1]:22 past MaxStartups")),
                from(a, "203.0.113.9").log());
    }

    // Through a trusted load balancer (ProxyProtocol)

    private static final InetSocketAddress BALANCER = new InetSocketAddress(address("10.0.0.5"), 41000);

    private static Ticket fromBalancer(Admission admission) {
        Decision d = admission.admitFromBalancer(BALANCER, LOCAL);
        assertTrue(d.ticket().isPresent(), "the balancer's connection was refused: " + d.log());
        return d.ticket().get();
    }

    private static Decision named(Ticket ticket, String client) {
        return ticket.from(new InetSocketAddress(address(client), 50000), LOCAL);
    }

    @Test
    void aBalancersConnectionsCountAgainstTheClientTheirHeaderNamesNotTheBalancer() {
        Admission a = perSource(2, WHOLE_ADDRESSES);
        for (int i = 0; i < 2; i++) {
            assertTrue(named(fromBalancer(a), "203.0.113.9").ticket().isPresent());
        }

        assertTrue(named(fromBalancer(a), "203.0.113.10").ticket().isPresent(), "another client through it");
        Decision third = named(fromBalancer(a), "203.0.113.9");

        assertTrue(third.ticket().isEmpty(), "the first client's third connection is past its limit");
        assertEquals("drop connection #3 from [203.0.113.9]:50000 on [198.51.100.1]:22 past MaxStartups",
                third.log().get(third.log().size() - 1).text());
        refused(a, "203.0.113.9");
        admitted(a, "10.0.0.5");
    }

    @Test
    void aBalancersConnectionCountsAgainstMaxStartupsWhileItsHeaderIsAwaited() {
        Admission a = admission(new MaxStartups(2, 30, 2), new Draw(99));
        Ticket first = fromBalancer(a);
        fromBalancer(a);

        assertTrue(a.admitFromBalancer(BALANCER, LOCAL).ticket().isEmpty());
        refused(a, "192.0.2.1");
        first.close();
        admitted(a, "192.0.2.1");
    }

    @Test
    void aBalancerConnectionRefusedForItsClientFreesItsStartup() {
        Admission a = new Admission(new MaxStartups(2, 30, 2), OptionalInt.of(1), WHOLE_ADDRESSES, NO_PENALTIES, new Draw(99),
                nanoTime::get);
        named(fromBalancer(a), "203.0.113.9");

        assertTrue(named(fromBalancer(a), "203.0.113.9").ticket().isEmpty());

        admitted(a, "192.0.2.1");
    }

    /** A penalty is the client's: the balancer is admitted, the penalised client it names is refused, and freed. */
    @Test
    void aPenalisedClientBehindABalancerIsRefusedOnceItsHeaderNamesIt() {
        Penalties penalties = new Penalties(PerSourcePenalties.DEFAULT, WHOLE_ADDRESSES, Optional.empty(),
                nanoTime::get);
        for (int i = 0; i < 4; i++) {
            penalties.penalise(address("203.0.113.9"), Penalties.Kind.AUTHFAIL);
        }
        Admission a = new Admission(new MaxStartups(1, 30, 1), OptionalInt.empty(), WHOLE_ADDRESSES, penalties,
                new Draw(99), nanoTime::get);

        Decision refused = named(fromBalancer(a), "203.0.113.9");

        assertTrue(refused.ticket().isEmpty() && refused.penalised(), refused.toString());
        assertEquals("drop connection #0 from [203.0.113.9]:50000 on [198.51.100.1]:22 penalty: failed authentication",
                refused.log().get(0).text());
        admitted(a, "192.0.2.1");
    }

    @Test
    void aClientIsNamedOnceOnly() {
        Admission a = perSource(5, WHOLE_ADDRESSES);
        Ticket t = fromBalancer(a);
        named(t, "203.0.113.9");

        assertTrue(named(t, "203.0.113.10").ticket().isEmpty(), "a second name");
    }

    @Test
    void durationsAreFormattedAsSshdsFmtTimeframe() {
        assertEquals("00:00:00", Admission.timeframe(0));
        assertEquals("01:01:01", Admission.timeframe(3661));
        assertEquals("23:59:59", Admission.timeframe(86399));
        assertEquals("1d01h01m", Admission.timeframe(86400 + 3661));
        assertEquals("01w1d03h", Admission.timeframe(8 * 86400 + 3 * 3600 + 59));
    }

    @Test
    void aRefusedClientIsToldAsSshd92TellsIt() {
        assertEquals("Exceeded MaxStartups\r\n", Admission.REFUSAL);
    }
}
