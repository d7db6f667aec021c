// RekeyLimit: how much data, and how much time, one session key may serve before the server asks for a new one.
package dev.sftpd.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * @param bytes empty for "default": the cipher's own limit, which depends on its block size
 * @param interval empty for "none": no rekeying on a timer
 */
public record RekeyLimit(OptionalLong bytes, Optional<Duration> interval) {
    static final RekeyLimit DEFAULT = new RekeyLimit(OptionalLong.empty(), Optional.empty());
    static final Syntax<RekeyLimit> SYNTAX = Syntax.oneLine(RekeyLimit::parse, RekeyLimit::print);

    private static final Pattern SIZE = Pattern.compile("([0-9]+)([KMGT]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("([0-9]+[smhdw]?)+", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME_PART = Pattern.compile("([0-9]+)([smhdw]?)", Pattern.CASE_INSENSITIVE);

    private static RekeyLimit parse(Directive d) throws ConfigException {
        List<String> arguments = d.arguments(1, 2);
        return new RekeyLimit(size(d, arguments.get(0)),
                arguments.size() == 1 ? Optional.empty() : time(d, arguments.get(1)));
    }

    /** Both as numbers, 0 for default and none, as sshd -T prints them and as parse() reads them back. */
    private static String print(RekeyLimit limit) {
        return limit.bytes.orElse(0) + " " + limit.interval.map(Duration::getSeconds).orElse(0L);
    }

    /**
     * Bytes with an optional K, M, G or T (powers of 1024), as scan_scaled(); 0 is the default. Rekeying by
     * volume cannot be turned off (a block cipher must rekey), so "none" reads as "default".
     */
    private static OptionalLong size(Directive d, String size) throws ConfigException {
        if (size.equals("default") || Syntax.isNone(size)) {
            return OptionalLong.empty();
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw d.error("Bad number '" + size + "': Invalid argument");
        }
        long bytes;
        try {
            int power = m.group(2).isEmpty() ? 0 : "KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << (10 * power));
        } catch (NumberFormatException | ArithmeticException e) {
            throw d.error("Bad number '" + size + "': Numerical result out of range");
        }
        if (bytes != 0 && bytes < 16) {
            throw d.error("RekeyLimit too small");
        }
        return bytes == 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
    }

    /** sshd's convtime(): "90", "1h30m"; units s, m, h, d, w. 0 and "none" mean no timer. */
    private static Optional<Duration> time(Directive d, String time) throws ConfigException {
        if (Syntax.isNone(time)) {
            return Optional.empty();
        }
        if (!TIME.matcher(time).matches()) {
            throw d.error("invalid time value.");
        }
        Duration total = Duration.ZERO;
        try {
            Matcher part = TIME_PART.matcher(time);
            while (part.find()) {
                total = total.plus(Duration.ofSeconds(
                        Math.multiplyExact(Long.parseLong(part.group(1)), unitSeconds(part.group(2)))));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw d.error("invalid time value.");
        }
        return total.isZero() ? Optional.empty() : Optional.of(total);
    }

    private static long unitSeconds(String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            case "w" -> 604800;
            default -> 1; // "s" or none
        };
    }
}
