// The address family of a listener, and so of every connection it accepts: which transports can take them.
package dev.sftpd.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * A JVM decides once, at start, whether its network stack is IPv4 or IPv6, and makes a channel
 * only of a socket of that family (sun.nio.ch.InheritedChannel). A transport is started before
 * its connection exists, so each family has its own transports, started with the stack it needs.
 */
enum Family {
    /** preferIPv4Stack: an IPv6-capable JDK would refuse an AF_INET socket. */
    IPV4("transport (IPv4)", "transport_ipv4", List.of("-Djava.net.preferIPv4Stack=true")),
    /** The JDK's own choice where it can read the loopback line of /proc/net/if_inet6 (the jail has it). */
    IPV6("transport (IPv6)", "transport_ipv6", List.of());

    /** How the family's pool names its processes in log lines. */
    final String transports;
    /** The pool's name in the metrics. */
    final String pool;
    final List<String> jvmFlags;

    Family(String transports, String pool, List<String> jvmFlags) {
        this.transports = transports;
        this.pool = pool;
        this.jvmFlags = jvmFlags;
    }

    static Family of(InetAddress address) {
        return address instanceof Inet6Address ? IPV6 : IPV4;
    }
}
