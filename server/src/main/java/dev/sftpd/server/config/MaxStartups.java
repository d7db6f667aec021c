// MaxStartups: how many unauthenticated connections the daemon holds before refusing new ones, and how steeply.
package dev.sftpd.server.config;

import java.util.List;

/**
 * sshd's random early drop: below start every connection is admitted, from start on a new one is refused
 * with probability rate percent, rising linearly to 100 percent at full.
 *
 * @param start unauthenticated connections admitted without question (at least 1)
 * @param rate percent of connections refused at start, 1 to 100
 * @param full unauthenticated connections at which every new one is refused (at least start)
 */
public record MaxStartups(int start, int rate, int full) {
    static final MaxStartups DEFAULT = new MaxStartups(10, 30, 100);
    static final Syntax<MaxStartups> SYNTAX = Syntax.oneLine(MaxStartups::parse,
            m -> m.start + ":" + m.rate + ":" + m.full);

    /**
     * "start:rate:full", or one number N for N:30:N: sshd leaves the rate unset and its default fills it in,
     * which -T shows; with start equal to full the rate never comes into play.
     */
    private static MaxStartups parse(Directive d) throws ConfigException {
        List<Integer> n = Syntax.leadingNumbers(d, Syntax.keywordArgument(d), 3);
        MaxStartups m = switch (n.size()) {
            case 1 -> new MaxStartups(n.get(0), DEFAULT.rate, n.get(0));
            case 3 -> new MaxStartups(n.get(0), n.get(1), n.get(2));
            default -> throw Syntax.invalidSpec(d);
        };
        if (m.start <= 0 || m.start > m.full || m.rate < 1 || m.rate > 100) {
            throw Syntax.invalidSpec(d);
        }
        return m;
    }
}
