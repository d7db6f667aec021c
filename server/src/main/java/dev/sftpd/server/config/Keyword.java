// One row of the keyword table: how a keyword reads, what it defaults to, whether its lines add up, and whether Match may set it.
package dev.sftpd.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * @param name as sshd_config(5) spells it; -T prints it in lower case
 * @param combine how a later line meets an earlier value: sshd keeps the first for most keywords, and
 *     collects repeatable ones (Port, ListenAddress, HostKey)
 * @param inMatch whether a Match block may set it for the connections it selects (sshd's SSHCFG_ALL)
 * @param effective the keyword's value in a Config, which -T prints
 */
record Keyword<T>(String name, Syntax<T> syntax, T defaultValue, BinaryOperator<T> combine, boolean inMatch,
                  Function<Config, T> effective) {

    static <T> Keyword<T> single(String name, Syntax<T> syntax, T defaultValue, Function<Config, T> effective) {
        return new Keyword<>(name, syntax, defaultValue, (first, later) -> first, false, effective);
    }

    static <E> Keyword<List<E>> repeated(String name, Syntax<List<E>> syntax, List<E> defaultValue,
                                         Function<Config, List<E>> effective) {
        return new Keyword<>(name, syntax, defaultValue,
                (earlier, later) -> Stream.concat(earlier.stream(), later.stream()).toList(), false, effective);
    }

    /**
     * Each keyword is one constant of {@link Keywords}, and a key of the settings: equal only to
     * itself. A record's own equals and hashCode would compare and hash every component, the
     * syntax's and the combiner's lambdas among them, and link their method handles on first use
     * in every transport.
     */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** This keyword, settable inside Match blocks too. */
    Keyword<T> allowedInMatch() {
        return new Keyword<>(name, syntax, defaultValue, combine, true, effective);
    }

    void apply(Directive directive, Settings into) throws ConfigException {
        into.add(this, syntax.parse(directive));
    }

    /** The -T lines for this keyword: "keyword value", as sshd -T prints them. */
    Stream<String> dump(Config config) {
        String keyword = name.toLowerCase(Locale.ROOT);
        return syntax.print(effective.apply(config)).stream().map(value -> keyword + " " + value);
    }
}
