// What a Match line is judged on, as sshd's struct connection_info: the user, the client, and where it connected.
package dev.sftpd.server.config;

import dev.sftpd.log.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A daemon's connection knows everything but the routing domain (Linux has none without VRF);
 * a {@code -T -C} specification may leave anything out, and a criterion on a field it lacks does
 * not match, as in sshd's test mode.
 *
 * @param host the client's host name: with UseDNS no (sshd's default) its address text, with yes its verified name
 * @param groups the names of the user's groups (getgrouplist), for Match Group; empty for an unknown user
 */
public record ConnectionSpec(Optional<String> user, List<String> groups, Optional<String> host,
                             Optional<InetAddress> address, Optional<InetAddress> localAddress,
                             OptionalInt localPort, Optional<String> rdomain) {
    public ConnectionSpec {
        groups = List.copyOf(groups);
    }

    /** A daemon's connection once the user is named; {@code host} as sshd's remote_hostname() gives it. */
    public static ConnectionSpec of(String user, List<String> groups, String host, InetAddress client,
                                    InetSocketAddress local) {
        return new ConnectionSpec(Optional.of(user), groups, Optional.of(host), Optional.of(client), Optional.of(local.getAddress()), OptionalInt.of(local.getPort()),
                Optional.empty());
    }

    /**
     * sshd's -C argument, "user=U,host=H,addr=A,laddr=L,lport=P,rdomain=R", any of them left out;
     * {@code groups} looks up the user's groups.
     *
     * @throws IllegalArgumentException with sshd's words for a key it does not know or a bad value
     */
    public static ConnectionSpec parse(String spec, Function<String, List<String>> groups) {
        Optional<String> user = Optional.empty(), host = Optional.empty(), rdomain = Optional.empty();
        Optional<InetAddress> address = Optional.empty(), localAddress = Optional.empty();
        OptionalInt localPort = OptionalInt.empty();
        for (String field : spec.split(",", -1)) {
            int eq = field.indexOf('=');
            String key = eq < 0 ? field : field.substring(0, eq);
            String value = eq < 0 ? "" : field.substring(eq + 1);
            if (eq < 0 || value.isEmpty()) {
                throw new IllegalArgumentException("Invalid test mode specification " + field);
            }
            switch (key) {
                case "user" -> user = Optional.of(value);
                case "host" -> host = Optional.of(value);
                case "addr" -> address = Optional.of(numeric(field, value));
                case "laddr" -> localAddress = Optional.of(numeric(field, value));
                case "lport" -> localPort = OptionalInt.of(port(field, value));
                case "rdomain" -> rdomain = Optional.of(value);
                default -> throw new IllegalArgumentException("Invalid test mode specification " + field);
            }
        }
        List<String> names = user.map(groups).orElse(List.of());
        return new ConnectionSpec(user, names, host, address, localAddress, localPort, rdomain);
    }

    private static InetAddress numeric(String field, String value) {
        try {
            // Only numeric text: InetAddress.getByName would otherwise look a name up in DNS.
            if (value.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                return InetAddress.getByName(value);
            }
        } catch (java.net.UnknownHostException e) {
            // Reported below.
        }
        throw new IllegalArgumentException("Invalid test mode specification " + field);
    }

    private static int port(String field, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new IllegalArgumentException("Invalid test mode specification " + field);
    }
}
