// PerSourcePenalties: how long a client address block that misbehaved is refused, OpenSSH 9.8's keyword and defaults.
package dev.sftpd.server.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a connection that ended before authenticating costs its source (its PerSourceNetBlockSize block):
 * seconds added to the source's penalty, which refuses new connections from it once more than {@code min}
 * has accrued, up to {@code max}.
 *
 * @param enabled false for "PerSourcePenalties no"
 * @param crash a transport that crashed or broke the monitor protocol
 * @param authFail a client that disconnected after one or more failed authentication attempts
 * @param noAuth a client that disconnected without attempting authentication
 * @param graceExceeded a client that did not authenticate within LoginGraceTime
 * @param max the most a source's penalty may reach
 * @param min the penalty a source must accrue before it is refused
 * @param maxSources4 IPv4 sources tracked at most; likewise maxSources6 for IPv6
 * @param denyAll4 overflow:deny-all: with the IPv4 table full, every IPv4 client not exempt is refused;
 *     otherwise (permissive) the penalties closest to their end are dropped to make room; likewise denyAll6
 */
public record PerSourcePenalties(boolean enabled, Duration crash, Duration authFail, Duration noAuth,
                                 Duration graceExceeded, Duration max, Duration min, int maxSources4, int maxSources6,
                                 boolean denyAll4, boolean denyAll6) {
    /** sshd's defaults since 9.9 (9.8 had grace-exceeded:20 in its manual and crash's value in its code). */
    public static final PerSourcePenalties DEFAULT = new PerSourcePenalties(true, Duration.ofSeconds(90),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(600),
            Duration.ofSeconds(15), 65536, 65536, false, false);

    /** The option words, in the order sshd -T prints them. */
    enum Option {
        CRASH("crash"), AUTHFAIL("authfail"), NOAUTH("noauth"), GRACE_EXCEEDED("grace-exceeded"), MAX("max"),
        MIN("min"), MAX_SOURCES4("max-sources4"), MAX_SOURCES6("max-sources6"), OVERFLOW("overflow"),
        OVERFLOW6("overflow6");

        final String word;

        Option(String word) {
            this.word = word;
        }
    }

    /**
     * What PerSourcePenalties lines have set so far: sshd keeps the first value of each option, not of the
     * line, and a line that sets an option turns penalties on again, even after "no".
     *
     * @param switched the first "yes" or "no", unless an option set since then turned penalties on
     * @param values each option's first value: seconds, a count, or 1 for deny-all and 0 for permissive
     */
    record Lines(Optional<Boolean> switched, Map<Option, Long> values) {
        static final Lines NONE = new Lines(Optional.empty(), Map.of());
        static final Syntax<Lines> SYNTAX = new Syntax<>(Lines::parse, lines -> List.of(lines.resolve().print()));

        /** A later line read after this one. */
        Lines then(Lines later) {
            Map<Option, Long> values = new EnumMap<>(Option.class);
            values.putAll(later.values);
            values.putAll(this.values);
            boolean newOption = !this.values.keySet().containsAll(later.values.keySet());
            return new Lines(newOption ? Optional.of(true) : switched.or(() -> later.switched), Map.copyOf(values));
        }

        PerSourcePenalties resolve() {
            PerSourcePenalties d = DEFAULT;
            boolean denyAll4 = values.containsKey(Option.OVERFLOW) ? values.get(Option.OVERFLOW) == 1 : d.denyAll4;
            return new PerSourcePenalties(switched.orElse(true), seconds(Option.CRASH, d.crash),
                    seconds(Option.AUTHFAIL, d.authFail), seconds(Option.NOAUTH, d.noAuth),
                    seconds(Option.GRACE_EXCEEDED, d.graceExceeded), seconds(Option.MAX, d.max),
                    seconds(Option.MIN, d.min), count(Option.MAX_SOURCES4, d.maxSources4),
                    count(Option.MAX_SOURCES6, d.maxSources6), denyAll4,
                    // overflow6 follows overflow unless set itself.
                    values.containsKey(Option.OVERFLOW6) ? values.get(Option.OVERFLOW6) == 1 : denyAll4);
        }

        private Duration seconds(Option option, Duration otherwise) {
            return values.containsKey(option) ? Duration.ofSeconds(values.get(option)) : otherwise;
        }

        private int count(Option option, int otherwise) {
            return values.containsKey(option) ? values.get(option).intValue() : otherwise;
        }

        /** sshd's parser: "yes" or "no" alone, or options word:value, each checked with the line. */
        private static Lines parse(Directive d) throws ConfigException {
            List<String> words = d.arguments(1, Integer.MAX_VALUE);
            Map<Option, Long> values = new EnumMap<>(Option.class);
            for (String word : words) {
                if (word.equalsIgnoreCase("yes") || word.equalsIgnoreCase("no")) {
                    if (words.size() > 1) {
                        throw d.error("keyword " + d.keyword() + " \"" + word + "\" argument must appear alone.");
                    }
                    return new Lines(Optional.of(word.equalsIgnoreCase("yes")), Map.of());
                }
                int colon = word.indexOf(':');
                Optional<Option> option = colon < 0 ? Optional.empty()
                        : Stream.of(Option.values()).filter(o -> o.word.equals(word.substring(0, colon))).findFirst();
                if (option.isEmpty()) {
                    throw d.error("unsupported " + d.keyword() + " keyword " + word);
                }
                values.putIfAbsent(option.get(), value(d, option.get(), word.substring(colon + 1)));
            }
            return new Lines(values.isEmpty() ? Optional.empty() : Optional.of(true), Map.copyOf(values));
        }

        private static long value(Directive d, Option option, String text) throws ConfigException {
            Directive one = new Directive(d.keyword(), List.of(text), d.file(), d.line());
            return switch (option) {
                case MAX_SOURCES4, MAX_SOURCES6 -> Syntax.count(one);
                case OVERFLOW, OVERFLOW6 -> switch (text) {
                    case "deny-all" -> 1L;
                    case "permissive" -> 0L;
                    default -> throw d.error("unsupported " + d.keyword() + " keyword " + option.word + ":" + text);
                };
                default -> {
                    try {
                        yield Syntax.time(one).getSeconds();
                    } catch (ConfigException e) {
                        throw d.error("invalid " + d.keyword() + " time value.");
                    }
                }
            };
        }
    }

    /** As sshd -T prints it: every option spelled out, or "no". */
    String print() {
        if (!enabled) {
            return "no";
        }
        return Stream.of("crash:" + crash.getSeconds(), "authfail:" + authFail.getSeconds(),
                "noauth:" + noAuth.getSeconds(), "grace-exceeded:" + graceExceeded.getSeconds(),
                "max:" + max.getSeconds(), "min:" + min.getSeconds(), "max-sources4:" + maxSources4,
                "max-sources6:" + maxSources6, "overflow:" + overflow(denyAll4), "overflow6:" + overflow(denyAll6))
                .collect(Collectors.joining(" "));
    }

    /** The same settings as lines that read back as them, for the keyword table's -T. */
    Lines lines() {
        Map<Option, Long> values = new EnumMap<>(Option.class);
        values.put(Option.CRASH, crash.getSeconds());
        values.put(Option.AUTHFAIL, authFail.getSeconds());
        values.put(Option.NOAUTH, noAuth.getSeconds());
        values.put(Option.GRACE_EXCEEDED, graceExceeded.getSeconds());
        values.put(Option.MAX, max.getSeconds());
        values.put(Option.MIN, min.getSeconds());
        values.put(Option.MAX_SOURCES4, (long) maxSources4);
        values.put(Option.MAX_SOURCES6, (long) maxSources6);
        values.put(Option.OVERFLOW, denyAll4 ? 1L : 0L);
        values.put(Option.OVERFLOW6, denyAll6 ? 1L : 0L);
        return new Lines(Optional.of(enabled), Map.copyOf(values));
    }

    private static String overflow(boolean denyAll) {
        return denyAll ? "deny-all" : "permissive";
    }
}
