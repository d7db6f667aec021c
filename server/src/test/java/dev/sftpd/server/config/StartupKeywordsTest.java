// The admission keywords (MaxStartups, PerSourceMaxStartups, PerSourceNetBlockSize) and sftpd's pool sizes.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.assertRoundTrip;
import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StartupKeywordsTest {
    @TempDir
    Path dir;

    // MaxStartups

    @Test
    void maxStartupsDefaultsTo10_30_100() throws Exception {
        assertEquals(new MaxStartups(10, 30, 100), parse(dir).maxStartups());
        assertEquals(List.of("maxstartups 10:30:100"), dumped(dir, "maxstartups"));
    }

    @Test
    void maxStartupsTakesStartRateAndFull() throws Exception {
        assertEquals(new MaxStartups(5, 50, 20), parse(dir, "MaxStartups 5:50:20").maxStartups());
        assertEquals(List.of("maxstartups 5:50:20"), dumped(dir, "maxstartups", "maxstartups 5:50:20"));
        assertRoundTrip(dir, "MaxStartups 5:50:20");
    }

    @Test
    void aSingleNumberIsStartAndFullWithTheDefaultRate() throws Exception {
        assertEquals(new MaxStartups(20, 30, 20), parse(dir, "MaxStartups 20").maxStartups());
        assertEquals(List.of("maxstartups 20:30:20"), dumped(dir, "maxstartups", "MaxStartups 20"));
        assertRoundTrip(dir, "MaxStartups 20");
    }

    @Test
    void textAfterTheNumbersIsIgnoredAsSshdsSscanfIgnoresIt() throws Exception {
        assertEquals(new MaxStartups(5, 50, 20), parse(dir, "MaxStartups 5:50:20:7").maxStartups());
        assertEquals(new MaxStartups(8, 30, 8), parse(dir, "MaxStartups 8x").maxStartups());
    }

    @Test
    void theFirstMaxStartupsLineWins() throws Exception {
        assertEquals(new MaxStartups(5, 30, 5), parse(dir, "MaxStartups 5", "MaxStartups 6:10:60").maxStartups());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"10:30", "lots", ":10", "0", "-5", "0:30:10", "20:30:10", "10:0:100", "10:101:100",
        "99999999999", "10:30:99999999999"})
    void badMaxStartupsSpecsAreRefused(String spec) {
        assertEquals(at(dir, 2) + ": Invalid MaxStartups spec.", error(dir, "Port 22", "MaxStartups " + spec));
    }

    @Test
    void maxStartupsErrorsNameTheKeywordAsWritten() {
        assertEquals(at(dir, 1) + ": Invalid maxstartups spec.", error(dir, "maxstartups 20:30:10"));
        assertEquals(at(dir, 1) + ": MaxStartups missing argument.", error(dir, "MaxStartups"));
        assertEquals(at(dir, 1) + ": keyword MaxStartups extra arguments at end of line",
                error(dir, "MaxStartups 10 20"));
    }

    // PerSourceMaxStartups

    @Test
    void perSourceMaxStartupsDefaultsToNone() throws Exception {
        assertEquals(OptionalInt.empty(), parse(dir).perSourceMaxStartups());
        assertEquals(List.of("persourcemaxstartups none"), dumped(dir, "persourcemaxstartups"));
    }

    @Test
    void perSourceMaxStartupsTakesACountOrNone() throws Exception {
        assertEquals(OptionalInt.of(3), parse(dir, "PerSourceMaxStartups 3").perSourceMaxStartups());
        assertEquals(List.of("persourcemaxstartups 3"), dumped(dir, "persourcemaxstartups", "PerSourceMaxStartups 3"));
        assertEquals(OptionalInt.empty(), parse(dir, "PerSourceMaxStartups none").perSourceMaxStartups());
        assertRoundTrip(dir, "PerSourceMaxStartups 3");
        assertRoundTrip(dir, "PerSourceMaxStartups none");
    }

    @Test
    void badPerSourceMaxStartupsAreRefused() {
        // sshd compares "none" with strcmp(): any other spelling is a number that does not read.
        assertEquals(at(dir, 1) + ": PerSourceMaxStartups integer value invalid.",
                error(dir, "PerSourceMaxStartups None"));
        assertEquals(at(dir, 1) + ": PerSourceMaxStartups integer value too small.",
                error(dir, "PerSourceMaxStartups -1"));
        assertEquals(at(dir, 1) + ": PerSourceMaxStartups missing argument.", error(dir, "PerSourceMaxStartups"));
    }

    // PerSourceNetBlockSize

    @Test
    void perSourceNetBlockSizeDefaultsToWholeAddresses() throws Exception {
        assertEquals(new NetBlockSize(32, 128), parse(dir).perSourceNetBlockSize());
        assertEquals(List.of("persourcenetblocksize 32:128"), dumped(dir, "persourcenetblocksize"));
    }

    @Test
    void perSourceNetBlockSizeTakesIpv4AndOptionallyIpv6() throws Exception {
        assertEquals(new NetBlockSize(24, 56), parse(dir, "PerSourceNetBlockSize 24:56").perSourceNetBlockSize());
        assertEquals(new NetBlockSize(24, 128), parse(dir, "PerSourceNetBlockSize 24").perSourceNetBlockSize());
        assertEquals(new NetBlockSize(0, 0), parse(dir, "PerSourceNetBlockSize 0:0").perSourceNetBlockSize());
        assertEquals(List.of("persourcenetblocksize 24:128"),
                dumped(dir, "persourcenetblocksize", "PerSourceNetBlockSize 24"));
        assertRoundTrip(dir, "PerSourceNetBlockSize 24:56");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"33", "-1", "24:129", "24:-1", ":64", "wide"})
    void badPerSourceNetBlockSizesAreRefused(String spec) {
        assertEquals(at(dir, 1) + ": Invalid PerSourceNetBlockSize spec.", error(dir, "PerSourceNetBlockSize " + spec));
    }

    @Test
    void perSourceNetBlockSizeWithoutArgumentIsRefused() {
        assertEquals(at(dir, 1) + ": PerSourceNetBlockSize missing argument.", error(dir, "PerSourceNetBlockSize"));
    }

    // TransportPoolSize, EnginePoolSize: sftpd's own

    static Stream<Arguments> pools() {
        return Stream.of(arguments("TransportPoolSize", 2, (Function<Config, PoolSize>) Config::transportPoolSize),
                arguments("EnginePoolSize", 1, (Function<Config, PoolSize>) Config::enginePoolSize));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void poolSizesKeepOneNumberOrRiseAfterABurstUpToMaxStartupsStart(String keyword, int byDefault,
                                                                      Function<Config, PoolSize> size)
            throws Exception {
        assertEquals(new PoolSize(byDefault, 10), size.apply(parse(dir)), "MaxStartups 10:30:100 by default");
        assertEquals(new PoolSize(byDefault, 25), size.apply(parse(dir, "MaxStartups 25:30:60")));
        assertEquals(new PoolSize(byDefault, 64), size.apply(parse(dir, "MaxStartups 100")), "at most 64");
        assertEquals(new PoolSize(0, 0), size.apply(parse(dir, keyword + " 0")));
        assertEquals(new PoolSize(64, 64), size.apply(parse(dir, keyword + " 64")));
        assertEquals(new PoolSize(3, 20), size.apply(parse(dir, keyword + " 3:20", "MaxStartups 5")));
        String printed = keyword.toLowerCase(Locale.ROOT);
        assertEquals(List.of(printed + " " + byDefault + ":10"), dumped(dir, printed));
        assertEquals(List.of(printed + " 7"), dumped(dir, printed, keyword + " 7"));
        assertEquals(List.of(printed + " 0:64"), dumped(dir, printed, keyword + " 0:64"));
        assertRoundTrip(dir, keyword + " 7");
        assertRoundTrip(dir, keyword + " 2:30");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void poolSizesOutOfRangeAreRefused(String keyword) {
        assertEquals(at(dir, 1) + ": " + keyword + " integer value too large (at most 64).",
                error(dir, keyword + " 65"));
        assertEquals(at(dir, 1) + ": " + keyword + " integer value too large (at most 64).",
                error(dir, keyword + " 2:65"));
        assertEquals(at(dir, 1) + ": " + keyword + " integer value too small.", error(dir, keyword + " -1"));
        assertEquals(at(dir, 1) + ": " + keyword + " integer value invalid.", error(dir, keyword + " two"));
        assertEquals(at(dir, 1) + ": " + keyword + " integer value invalid.", error(dir, keyword + " 2:"));
        assertEquals(at(dir, 1) + ": " + keyword + " most (3) is less than ready (4).", error(dir, keyword + " 4:3"));
        assertEquals(at(dir, 1) + ": Invalid " + keyword + " spec.", error(dir, keyword + " 1:2:3"));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, keyword));
    }

    // ProxyProtocol

    @Test
    void proxyProtocolDefaultsToNoneAndTrustsNoOne() throws Exception {
        ProxySources none = parse(dir).proxyProtocol();

        assertEquals(List.of(), none.blocks());
        assertFalse(none.trusts(InetAddress.getByName("127.0.0.1")));
        assertEquals(List.of("proxyprotocol none"), dumped(dir, "proxyprotocol"));
    }

    @Test
    void proxyProtocolTrustsTheAddressesAndBlocksListed() throws Exception {
        ProxySources p = parse(dir, "ProxyProtocol 127.0.0.1,10.1.0.0/16,2001:db8::/32").proxyProtocol();

        assertTrue(p.trusts(InetAddress.getByName("127.0.0.1")));
        assertTrue(p.trusts(InetAddress.getByName("10.1.200.3")));
        assertTrue(p.trusts(InetAddress.getByName("2001:db8::5")));
        assertFalse(p.trusts(InetAddress.getByName("127.0.0.2")));
        assertFalse(p.trusts(InetAddress.getByName("10.2.0.1")));
        assertEquals(List.of("proxyprotocol 127.0.0.1,10.1.0.0/16,2001:db8::/32"),
                dumped(dir, "proxyprotocol", "ProxyProtocol 127.0.0.1,10.1.0.0/16,2001:db8::/32"));
        assertRoundTrip(dir, "ProxyProtocol 127.0.0.1,10.1.0.0/16,2001:db8::/32");
        assertRoundTrip(dir, "ProxyProtocol none");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"*", "10.0.0.*", "!10.0.0.1", "10.0.0.1/8", "lb.example.com", "10.0.0.1,", "10.0.0.0/33",
        "10.0.0.0/"})
    void proxyProtocolTakesOnlyAddressesAndCidrBlocks(String list) {
        assertEquals(at(dir, 1) + ": invalid ProxyProtocol list \"" + list
                + "\": each entry must be an address or a CIDR block (address/bits, no host bits set)",
                error(dir, "ProxyProtocol " + list));
    }

    @Test
    void proxyProtocolIsNotForMatchBlocks() {
        assertTrue(error(dir, "Match Address 10.0.0.1", "ProxyProtocol 10.0.0.1").startsWith(at(dir, 2)));
    }
}
