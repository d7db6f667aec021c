// RekeyLimit: a size with K/M/G/T or default/none, then optionally a time with s/m/h/d/w units or none.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RekeyLimitTest {
    @TempDir
    Path dir;

    private RekeyLimit rekeyLimit(String arguments) throws Exception {
        return parse(dir, "RekeyLimit " + arguments).rekeyLimit();
    }

    private static RekeyLimit limit(long bytes, long seconds) {
        return new RekeyLimit(OptionalLong.of(bytes), Optional.of(Duration.ofSeconds(seconds)));
    }

    @Test
    void aSizeAloneLeavesNoTimer() throws Exception {
        assertEquals(new RekeyLimit(OptionalLong.of(1L << 30), Optional.empty()), rekeyLimit("1G"));
        assertEquals(new RekeyLimit(OptionalLong.of(1000000), Optional.empty()), rekeyLimit("1000000"));
    }

    @Test
    void sizeSuffixesArePowersOf1024() throws Exception {
        assertEquals(limit(100L << 10, 60), rekeyLimit("100K 60"));
        assertEquals(limit(512L << 20, 60), rekeyLimit("512m 60"));
        assertEquals(limit(2L << 40, 60), rekeyLimit("2T 60"));
    }

    @Test
    void timesTakeUnitsAndAddUp() throws Exception {
        assertEquals(limit(1L << 30, 3600), rekeyLimit("1G 1h"));
        assertEquals(limit(1L << 30, 5400), rekeyLimit("1G 1h30m"));
        assertEquals(limit(1L << 30, 90), rekeyLimit("1G 90"));
        assertEquals(limit(1L << 30, 14 * 86400 + 1), rekeyLimit("1G 2w1S"));
    }

    @Test
    void defaultNoneAndZeroMeanTheCiphersLimitAndNoTimer() throws Exception {
        assertEquals(RekeyLimit.DEFAULT, rekeyLimit("default none"));
        assertEquals(RekeyLimit.DEFAULT, rekeyLimit("none"));
        assertEquals(RekeyLimit.DEFAULT, rekeyLimit("0 0"));
        assertEquals(new RekeyLimit(OptionalLong.empty(), Optional.of(Duration.ofHours(1))), rekeyLimit("default 1h"));
    }

    @Test
    void badSizesAreRefused() {
        assertEquals(at(dir, 1) + ": RekeyLimit too small", error(dir, "RekeyLimit 10"));
        assertEquals(at(dir, 1) + ": Bad number 'lots': Invalid argument", error(dir, "RekeyLimit lots"));
        assertEquals(at(dir, 1) + ": Bad number '1.5G': Invalid argument", error(dir, "RekeyLimit 1.5G"));
        assertEquals(at(dir, 1) + ": Bad number '99999999T': Numerical result out of range",
                error(dir, "RekeyLimit 99999999T"));
    }

    @Test
    void badTimesAreRefused() {
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "RekeyLimit 1G soon"));
        assertEquals(at(dir, 1) + ": invalid time value.", error(dir, "RekeyLimit 1G 1y"));
    }

    @Test
    void itTakesOneOrTwoArguments() {
        assertEquals(at(dir, 1) + ": missing argument.", error(dir, "RekeyLimit"));
        assertEquals(at(dir, 1) + ": keyword RekeyLimit extra arguments at end of line",
                error(dir, "RekeyLimit 1G 1h 2"));
    }
}
