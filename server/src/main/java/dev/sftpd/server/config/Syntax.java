// How a keyword's arguments read into a typed value and print back for -T: the codecs the keyword table is built from.
package dev.sftpd.server.config;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** @param printer the value as -T lines: one string per line, each in the syntax the parser reads back */
record Syntax<T>(Parser<T> parser, Function<T, List<String>> printer) {
    /** Reads one directive's arguments; its errors name the directive's file and line. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(Directive directive) throws ConfigException;
    }

    static final Syntax<Boolean> YES_NO = oneLine(Syntax::yesNo, yes -> yes ? "yes" : "no");
    static final Syntax<LogLevel> LOG_LEVEL = named(LogLevel::parse, "log level");
    static final Syntax<SyslogFacility> SYSLOG_FACILITY = named(SyslogFacility::parse, "log facility");
    static final Syntax<List<Integer>> PORT = linePerValue(d -> List.of(port(d, d.argument())), String::valueOf);
    static final Syntax<List<InetSocketAddress>> LISTEN_ADDRESS = linePerValue(Syntax::listenAddress, Syntax::hostPort);
    static final Syntax<List<Path>> PATH = linePerValue(d -> List.of(path(d, d.argument())), Syntax::printPath);
    static final Syntax<Optional<Path>> PATH_OR_NONE =
            oneLine(Syntax::pathOrNone, path -> path.map(Syntax::printPath).orElse("none"));
    static final Syntax<List<String>> AUTHORIZED_KEYS_FILES =
            oneLine(Syntax::authorizedKeysFiles, files -> files.isEmpty() ? "none" : Directive.join(files));

    T parse(Directive directive) throws ConfigException {
        return parser.parse(directive);
    }

    List<String> print(T value) {
        return printer.apply(value);
    }

    static <T> Syntax<T> oneLine(Parser<T> parser, Function<T, String> printer) {
        return new Syntax<>(parser, value -> List.of(printer.apply(value)));
    }

    /** For repeatable keywords (Port, HostKey...): each line adds values, and -T prints a line per value. */
    private static <E> Syntax<List<E>> linePerValue(Parser<List<E>> parser, Function<E, String> printer) {
        return new Syntax<>(parser, values -> values.stream().map(printer).toList());
    }

    /** An OpenSSH name (LogLevel, SyslogFacility), compared without case as sshd does. */
    private static <E extends Enum<E>> Syntax<E> named(Function<String, Optional<E>> lookup, String what) {
        return oneLine(d -> {
            String name = d.argument();
            return lookup.apply(name).orElseThrow(() -> d.error("unsupported " + what + " '" + name + "'"));
        }, Enum::name);
    }

    static boolean isNone(String argument) {
        return argument.equalsIgnoreCase("none");
    }

    private static boolean yesNo(Directive d) throws ConfigException {
        String answer = d.argument();
        if (answer.equalsIgnoreCase("yes") || answer.equalsIgnoreCase("no")) {
            return answer.equalsIgnoreCase("yes");
        }
        throw d.error("Bad yes/no argument: " + answer);
    }

    /** A decimal port from 1 to 65535, as sshd's a2port(). */
    private static int port(Directive d, String port) throws ConfigException {
        if (port.matches("[0-9]{1,5}")) {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) {
                return number;
            }
        }
        throw d.error("invalid port \"" + port + "\"");
    }

    /**
     * host, host:port, [v6], [v6]:port or a bare IPv6 literal. Without a port the address gets port 0, which
     * Config replaces with every Port. A host name stands for all its addresses, as getaddrinfo() gives sshd.
     */
    private static List<InetSocketAddress> listenAddress(Directive d) throws ConfigException {
        String address = d.argument();
        String host = address;
        String port = null;
        int colon = address.indexOf(':');
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            boolean portFollows = close >= 0 && close + 1 < address.length();
            if (close < 0 || portFollows && address.charAt(close + 1) != ':') {
                throw d.error("bad address:port usage");
            }
            host = address.substring(1, close);
            port = portFollows ? address.substring(close + 2) : null;
        } else if (colon >= 0 && colon == address.lastIndexOf(':')) {
            host = address.substring(0, colon);
            port = address.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw d.error("bad address:port usage");
        }
        int number = port == null ? 0 : port(d, port);
        try {
            return Stream.of(InetAddress.getAllByName(host)).map(a -> new InetSocketAddress(a, number)).toList();
        } catch (UnknownHostException e) {
            throw d.error("bad addr or host: " + host);
        }
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Relative paths are made absolute now, as sshd's derelativise_path(): the daemon's directory may change. */
    private static Path path(Directive d, String path) throws ConfigException {
        try {
            return Path.of(path).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw d.error("bad path \"" + path + "\"");
        }
    }

    private static String printPath(Path path) {
        return Directive.join(List.of(path.toString()));
    }

    private static Optional<Path> pathOrNone(Directive d) throws ConfigException {
        String path = d.argument();
        return isNone(path) ? Optional.empty() : Optional.of(path(d, path));
    }

    /** Patterns, or "none" for no files; tokens are checked now so that a typo fails at start, not at a login. */
    private static List<String> authorizedKeysFiles(Directive d) throws ConfigException {
        List<String> files = d.arguments(1, Integer.MAX_VALUE);
        if (files.size() == 1 && isNone(files.get(0))) {
            return List.of();
        }
        for (String file : files) {
            try {
                Config.authorizedKeysFile(file, "user", 0, Path.of("/"));
            } catch (IllegalArgumentException e) {
                throw d.error("bad AuthorizedKeysFile \"" + file + "\": " + e.getMessage());
            }
        }
        return List.copyOf(files);
    }
}
