// ProxyProtocol: the load balancers trusted to name the real client in a PROXY protocol header.
package dev.sftpd.server.config;

import dev.sftpd.monitor.auth.HostPatterns;
import java.net.InetAddress;
import java.util.List;

/**
 * A connection from one of these addresses must begin with a PROXY header (HAProxy's protocol,
 * version 1 or 2), and the client it names is the connection's client from then on; from any
 * other address a header is not read, so no one else can claim an address.
 *
 * @param blocks addresses and CIDR blocks, as addr_match_cidr_list() reads them (no wildcard, no
 *     negation: trust is granted by listing, never by exception); empty for "none"
 */
public record ProxySources(List<String> blocks) {
    static final ProxySources NONE = new ProxySources(List.of());
    static final Syntax<ProxySources> SYNTAX = Syntax.oneLine(ProxySources::parse,
            p -> p.blocks.isEmpty() ? "none" : String.join(",", p.blocks));

    public ProxySources {
        blocks = List.copyOf(blocks);
    }

    /** Whether a connection from {@code address} comes through a trusted balancer. */
    public boolean trusts(InetAddress address) {
        return !blocks.isEmpty() && HostPatterns.cidrList(address, String.join(",", blocks)) == HostPatterns.Match.YES;
    }

    /** "none", or one comma list whose every entry is an address or a CIDR block with no host bits set. */
    private static ProxySources parse(Directive d) throws ConfigException {
        String list = d.argument();
        if (list.equals("none")) {
            return NONE;
        }
        if (HostPatterns.cidrList(null, list) != HostPatterns.Match.NO) {
            throw d.error("invalid " + d.keyword() + " list \"" + list
                    + "\": each entry must be an address or a CIDR block (address/bits, no host bits set)");
        }
        return new ProxySources(List.of(list.split(",", -1)));
    }
}
