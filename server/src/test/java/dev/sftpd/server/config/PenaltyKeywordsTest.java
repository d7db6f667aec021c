// PerSourcePenalties and PerSourcePenaltyExemptList as OpenSSH 9.8 reads them, and MetricsListenAddress.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.assertRoundTrip;
import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PenaltyKeywordsTest {
    @TempDir
    Path dir;

    @Test
    void penaltiesAreOnWithSshdsDefaults() throws Exception {
        assertEquals(List.of("persourcepenalties crash:90 authfail:5 noauth:1 grace-exceeded:10 max:600 min:15 "
                + "max-sources4:65536 max-sources6:65536 overflow:permissive overflow6:permissive"),
                dumped(dir, "persourcepenalties"));
        assertEquals(List.of("persourcepenaltyexemptlist none"), dumped(dir, "persourcepenaltyexemptlist"));
    }

    @Test
    void optionsTakeTimesAndCountsAndLeaveTheOthersAtTheirDefaults() throws Exception {
        PerSourcePenalties p = parse(dir, "PerSourcePenalties authfail:1m30s min:5 max-sources6:10 overflow:deny-all")
                .perSourcePenalties();

        assertTrue(p.enabled());
        assertEquals(Duration.ofSeconds(90), p.authFail());
        assertEquals(Duration.ofSeconds(5), p.min());
        assertEquals(10, p.maxSources6());
        assertTrue(p.denyAll4());
        assertTrue(p.denyAll6(), "overflow6 follows overflow unless set");
        assertEquals(Duration.ofSeconds(90), p.crash());
        assertRoundTrip(dir, "PerSourcePenalties authfail:1m30s min:5 max-sources6:10 overflow:deny-all "
                + "overflow6:permissive");
    }

    @Test
    void eachOptionKeepsItsFirstValueAcrossLines() throws Exception {
        PerSourcePenalties p = parse(dir, "PerSourcePenalties crash:7", "PerSourcePenalties crash:8 noauth:3")
                .perSourcePenalties();

        assertEquals(Duration.ofSeconds(7), p.crash());
        assertEquals(Duration.ofSeconds(3), p.noAuth());
    }

    @Test
    void noTurnsThemOffUnlessALaterLineSetsAnOptionAsInSshd() throws Exception {
        assertEquals(List.of("persourcepenalties no"), dumped(dir, "persourcepenalties", "PerSourcePenalties no"));
        assertFalse(parse(dir, "PerSourcePenalties no", "PerSourcePenalties yes").perSourcePenalties().enabled());
        assertTrue(parse(dir, "PerSourcePenalties authfail:2", "PerSourcePenalties no").perSourcePenalties()
                .enabled());
        assertTrue(parse(dir, "PerSourcePenalties no", "PerSourcePenalties authfail:2").perSourcePenalties()
                .enabled());
        assertRoundTrip(dir, "PerSourcePenalties no");
    }

    @Test
    void badPenaltyLinesAreRefusedWithTheirLine() {
        assertEquals(at(dir, 2) + ": unsupported PerSourcePenalties keyword refuseconnection:5",
                error(dir, "# penalties", "PerSourcePenalties refuseconnection:5"));
        assertEquals(at(dir, 1) + ": invalid PerSourcePenalties time value.",
                error(dir, "PerSourcePenalties crash:soon"));
        assertEquals(at(dir, 1) + ": keyword PerSourcePenalties \"no\" argument must appear alone.",
                error(dir, "PerSourcePenalties no crash:5"));
        assertEquals(at(dir, 1) + ": unsupported PerSourcePenalties keyword overflow:drop",
                error(dir, "PerSourcePenalties overflow:drop"));
        assertEquals(at(dir, 1) + ": PerSourcePenalties integer value invalid.",
                error(dir, "PerSourcePenalties max-sources4:many"));
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "PerSourcePenalties"));
    }

    @Test
    void theExemptListIsAnAddressList() throws Exception {
        assertEquals(Optional.of("127.0.0.1,10.0.0.0/8,!10.1.*"),
                parse(dir, "PerSourcePenaltyExemptList 127.0.0.1,10.0.0.0/8,!10.1.*").perSourcePenaltyExemptList());
        assertRoundTrip(dir, "PerSourcePenaltyExemptList 192.0.2.0/24");
        assertEquals(at(dir, 1) + ": keyword PerSourcePenaltyExemptList invalid address argument.",
                error(dir, "PerSourcePenaltyExemptList 192.0.2.1/33"));
    }

    @Test
    void metricsAreServedNowhereByDefault() throws Exception {
        assertEquals(Optional.empty(), parse(dir).metricsListenAddress());
        assertEquals(List.of("metricslistenaddress none"), dumped(dir, "metricslistenaddress"));
    }

    @Test
    void metricsListenAddressTakesAnAddressAndPort() throws Exception {
        assertEquals(Optional.of(new InetSocketAddress("127.0.0.1", 9122)),
                parse(dir, "MetricsListenAddress 127.0.0.1:9122").metricsListenAddress());
        assertEquals(List.of("metricslistenaddress [::1]:9122"),
                dumped(dir, "metricslistenaddress", "MetricsListenAddress [::1]:9122"));
        assertRoundTrip(dir, "MetricsListenAddress [::1]:9122");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "[::1]"})
    void metricsListenAddressNeedsAPort(String address) {
        assertEquals(at(dir, 1) + ": MetricsListenAddress needs a port: ADDRESS:PORT or [ADDRESS]:PORT",
                error(dir, "MetricsListenAddress " + address));
    }
}
