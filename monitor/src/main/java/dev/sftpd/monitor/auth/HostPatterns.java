// OpenSSH's match_host_and_ip() for from="...": name and address patterns, CIDR blocks and negation.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.Addresses;
import dev.sftpd.sftp.PatternList;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * With UseDNS no (sshd's default) the client's "host name" is its address text; with UseDNS yes
 * its verified name. A list matches when some entry matches that name or contains the address and
 * no negated entry does. A malformed CIDR entry makes the whole list invalid, which sshd treats as a refusal.
 */
public final class HostPatterns {
    public enum Match { YES, NO, INVALID }

    private HostPatterns() {}

    /** match_host_and_ip(): the list matches the client's host name (with UseDNS no, its address text) or address. */
    public static Match match(Client client, String patterns) {
        String ip = client.addressText();
        int mip = addrMatchList(client.address(), ip, patterns);
        if (mip == -2) {
            return Match.INVALID;
        }
        if (mip == -1) {
            return Match.NO;
        }
        int mhost = matchHostname(client.host(), patterns);
        return mhost == -1 || (mhost == 0 && mip == 0) ? Match.NO : Match.YES;
    }

    /**
     * sshd's Match Address and LocalAddress (addr_match_list() alone, no host name): YES when an
     * entry contains the address and no negated one does; INVALID for a malformed list.
     */
    public static Match addressList(InetAddress address, String patterns) {
        return switch (addrMatchList(address, Addresses.text(address), patterns)) {
            case 1 -> Match.YES;
            case -2 -> Match.INVALID;
            default -> Match.NO;
        };
    }

    /**
     * addr_match_cidr_list(): a comma list of addresses and CIDR blocks only (no wildcard, no
     * negation), as PerSourcePenaltyExemptList and ProxyProtocol take; YES when a block contains
     * the address, INVALID when an entry is no address or block. {@code address} null only checks
     * the list.
     */
    public static Match cidrList(InetAddress address, String list) {
        Match match = Match.NO;
        for (String entry : list.split(",", -1)) {
            Optional<Network> network;
            try {
                network = Network.parse(entry);
            } catch (IllegalArgumentException inconsistent) {
                return Match.INVALID;
            }
            if (network.isEmpty()) {
                return Match.INVALID;
            }
            if (address != null && network.get().contains(address)) {
                match = Match.YES;
            }
        }
        return match;
    }

    /**
     * A numeric address as getaddrinfo() with AI_NUMERICHOST reads it (dotted-quad IPv4 without
     * leading zeros, or IPv6 text; an IPv4-mapped IPv6 address is the IPv4 one); empty for
     * anything else, and never a DNS query.
     */
    public static Optional<InetAddress> numericAddress(String text) {
        return numeric(text).map(bytes -> {
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes always make an address", e);
            }
        });
    }

    /** match_hostname(): whether the host name (with UseDNS no, the address text) matches the list. */
    public static boolean hostList(String host, String patterns) {
        return matchHostname(host, patterns) == 1;
    }

    /** addr_match_list(): 1 match, 0 none, -1 negated match, -2 an entry is empty or an inconsistent network. */
    private static int addrMatchList(InetAddress client, String ip, String list) {
        int ret = 0;
        for (String entry : list.split(",", -1)) {
            boolean negated = entry.startsWith("!");
            String p = negated ? entry.substring(1) : entry;
            if (p.isEmpty()) {
                return -2;
            }
            boolean matched;
            try {
                Optional<Network> network = Network.parse(p);
                // "Prefer CIDR address matching": only text that is no address at all is a wildcard.
                matched = network.isPresent() ? network.get().contains(client) : glob(ip, p);
            } catch (IllegalArgumentException inconsistent) {
                return -2;
            }
            if (matched) {
                if (negated) {
                    return -1;
                }
                ret = 1;
            }
        }
        return ret;
    }

    /** match_hostname(): the patterns lowercased, 1 match, 0 none, -1 a negated pattern matched. */
    private static int matchHostname(String host, String list) {
        int ret = 0;
        for (String entry : list.split(",", -1)) {
            boolean negated = entry.startsWith("!");
            String p = (negated ? entry.substring(1) : entry).toLowerCase(Locale.ROOT);
            if (glob(host, p)) {
                if (negated) {
                    return -1;
                }
                ret = 1;
            }
        }
        return ret;
    }

    /**
     * match_pattern() is a one-entry PatternList. An entry that still starts with '!' ("!!x") reads
     * as negated there and never matches; sshd would compare a literal '!', which address text
     * never holds, so the outcome is the same.
     */
    private static boolean glob(String s, String pattern) {
        return new PatternList(List.of(pattern)).matches(s);
    }

    /** addr_pton_cidr(): "addr" or "addr/len", with no host bits set beyond the mask. */
    private record Network(byte[] address, int maskLength) {
        /** Empty when the text is no numeric address; IllegalArgumentException when it is one with a bad mask. */
        static Optional<Network> parse(String text) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            int len = -1;
            if (slash >= 0) {
                String m = text.substring(slash + 1);
                if (m.isEmpty() || m.length() > 3 || !m.chars().allMatch(c -> c >= '0' && c <= '9')
                        || Integer.parseInt(m) > 128) {
                    return Optional.empty();
                }
                len = Integer.parseInt(m);
            }
            Optional<byte[]> bytes = numeric(addr);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            byte[] a = bytes.get();
            int bits = a.length * 8;
            if (len < 0) {
                len = bits;
            }
            if (len > bits || !Arrays.equals(a, masked(a, len))) {
                throw new IllegalArgumentException("inconsistent mask length for network " + text);
            }
            return Optional.of(new Network(a, len));
        }

        boolean contains(InetAddress client) {
            byte[] c = client.getAddress();
            return c.length == address.length && Arrays.equals(masked(c, maskLength), address);
        }

        private static byte[] masked(byte[] a, int len) {
            byte[] m = a.clone();
            for (int i = 0; i < m.length; i++) {
                int keep = Math.max(0, Math.min(8, len - i * 8));
                m[i] &= (byte) (0xff00 >>> keep);
            }
            return m;
        }
    }

    /**
     * A numeric address (getaddrinfo with AI_NUMERICHOST): dotted-quad IPv4 without leading zeros,
     * or IPv6 text. InetAddress treats text that starts with a hex digit or ':' and holds a ':' as
     * a literal or rejects it, so no DNS query can leave here.
     */
    private static Optional<byte[]> numeric(String s) {
        if (s.indexOf(':') < 0) {
            return ipv4(s);
        }
        if (!(Character.digit(s.charAt(0), 16) >= 0 || s.charAt(0) == ':')
                || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            byte[] a = InetAddress.getByName(s).getAddress();
            // Java turns ::ffff:a.b.c.d into IPv4; the pattern was written as IPv6 and stays one.
            return Optional.of(a.length == 16 ? a : mapped(a));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<byte[]> ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
                return Optional.empty();
            }
            a[i] = (byte) Integer.parseInt(p);
        }
        return Optional.of(a);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xff;
        a[11] = (byte) 0xff;
        System.arraycopy(v4, 0, a, 12, 4);
        return a;
    }

}
