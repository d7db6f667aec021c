// PerSourceNetBlockSize: how many leading bits of a client's address make up the "source" PerSourceMaxStartups counts.
package dev.sftpd.server.config;

import java.util.List;

/**
 * @param ipv4 prefix length for IPv4 clients, 0 to 32 (32: each address is its own source)
 * @param ipv6 prefix length for IPv6 clients, 0 to 128
 */
public record NetBlockSize(int ipv4, int ipv6) {
    static final NetBlockSize DEFAULT = new NetBlockSize(32, 128);
    static final Syntax<NetBlockSize> SYNTAX = Syntax.oneLine(NetBlockSize::parse, b -> b.ipv4 + ":" + b.ipv6);

    /** "v4:v6", or "v4" alone, which leaves IPv6 at its default as sshd does. */
    private static NetBlockSize parse(Directive d) throws ConfigException {
        List<Integer> n = Syntax.leadingNumbers(d, Syntax.keywordArgument(d), 2);
        if (n.isEmpty()) {
            throw Syntax.invalidSpec(d);
        }
        NetBlockSize b = new NetBlockSize(n.get(0), n.size() == 2 ? n.get(1) : DEFAULT.ipv6);
        if (b.ipv4 < 0 || b.ipv4 > 32 || b.ipv6 < 0 || b.ipv6 > 128) {
            throw Syntax.invalidSpec(d);
        }
        return b;
    }
}
