// How a keyword's arguments read into a typed value and print back for -T: the codecs the keyword table is built from.
package dev.sftpd.server.config;

import dev.sftpd.log.Addresses;
import static java.util.Map.entry;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.Forwarding;
import dev.sftpd.monitor.auth.AccessRules;
import dev.sftpd.monitor.auth.HostPatterns;
import dev.sftpd.monitor.auth.PermitRoot;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** @param printer the value as -T lines: one string per line, each in the syntax the parser reads back */
record Syntax<T>(Parser<T> parser, Function<T, List<String>> printer) {
    /** Reads one directive's arguments; its errors name the directive's file and line. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(Directive directive) throws ConfigException;
    }

    private static final String ANY = "any";
    private static final String INVALID_TIME = "invalid time value.";
    /** The methods sftpd offers; keyboard-interactive's only device is PAM. */
    private static final Set<String> METHODS =
            Set.of("publickey", "password", "keyboard-interactive", "keyboard-interactive:pam");
    /** What sscanf()'s %d reads. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]+");

    static final Syntax<Boolean> YES_NO = multistate(List.of(entry("yes", true), entry("no", false)));
    /** sshd's table order: -T prints without-password for prohibit-password, as sshd -T does. */
    static final Syntax<PermitRoot> PERMIT_ROOT_LOGIN = multistate(List.of(
            entry("without-password", PermitRoot.PROHIBIT_PASSWORD),
            entry("prohibit-password", PermitRoot.PROHIBIT_PASSWORD),
            entry("forced-commands-only", PermitRoot.FORCED_COMMANDS_ONLY),
            entry("yes", PermitRoot.YES), entry("no", PermitRoot.NO)));
    static final Syntax<Integer> COUNT = oneLine(Syntax::count, String::valueOf);
    /** The no-effect keywords' forms: checked as sshd checks them, kept as the words -T prints. */
    static final Syntax<List<String>> YES_NO_WORD = oneLine(d -> List.of(YES_NO.parser().parse(d) ? "yes" : "no"),
            words -> words.get(0));
    static final Syntax<List<String>> COUNT_WORD = oneLine(d -> List.of(String.valueOf(count(d))),
            words -> words.get(0));
    static final Syntax<List<String>> ONE_WORD = oneLine(d -> List.of(d.argument()), words -> Directive.join(words));
    static final Syntax<List<String>> WORD_PER_LINE = patterns(p -> !p.isEmpty(), "empty %s pattern");
    /** PerSourceMaxStartups: a count, or "none" (exactly so: sshd compares with strcmp()) for no limit. */
    static final Syntax<OptionalInt> COUNT_OR_NONE = oneLine(
            d -> keywordArgument(d).equals("none") ? OptionalInt.empty() : OptionalInt.of(count(d)),
            limit -> limit.isPresent() ? Integer.toString(limit.getAsInt()) : "none");
    /** How many processes a pool keeps started; more than 64 idle processes would only cost memory. */
    static final Syntax<Duration> TIME = oneLine(Syntax::time, time -> Long.toString(time.getSeconds()));
    static final Syntax<LogLevel> LOG_LEVEL = named(LogLevel::parse, "log level");
    static final Syntax<SyslogFacility> SYSLOG_FACILITY = named(SyslogFacility::parse, "log facility");
    static final Syntax<List<Integer>> PORT = linePerValue(d -> List.of(port(d, d.argument())), String::valueOf);
    static final Syntax<List<InetSocketAddress>> LISTEN_ADDRESS = linePerValue(Syntax::listenAddress, Syntax::hostPort);
    /** MetricsListenAddress: one address with its port, or none. */
    static final Syntax<Optional<InetSocketAddress>> ADDRESS_PORT_OR_NONE = oneLine(Syntax::addressPortOrNone,
            address -> address.map(Syntax::hostPort).orElse("none"));
    /** PerSourcePenaltyExemptList: an address list as Match Address takes it (CIDR, wildcards, '!'), or none. */
    static final Syntax<Optional<String>> ADDRESS_LIST_OR_NONE = oneLine(Syntax::addressListOrNone,
            list -> list.orElse("none"));
    static final Syntax<List<Path>> PATH = linePerValue(d -> List.of(path(d, d.argument())), Syntax::printPath);
    static final Syntax<Optional<Path>> PATH_OR_NONE =
            oneLine(Syntax::pathOrNone, path -> path.map(Syntax::printPath).orElse("none"));
    static final Syntax<List<String>> AUTHORIZED_KEYS_FILES =
            oneLine(Syntax::authorizedKeysFiles, files -> files.isEmpty() ? "none" : Directive.join(files));
    static final Syntax<Optional<String>> AUTHORIZED_PRINCIPALS_FILE = oneLine(Syntax::authorizedPrincipalsFile,
            file -> file.map(Syntax::word).orElse("none"));
    static final Syntax<Optional<String>> TRUSTED_USER_CA_KEYS = oneLine(Syntax::trustedUserCaKeys,
            file -> file.map(Syntax::word).orElse("none"));
    /** VersionAddendum: the rest of the line, or none. */
    static final Syntax<Optional<String>> TEXT_OR_NONE = oneLine(d -> {
        String text = String.join(" ", d.arguments(1, Integer.MAX_VALUE));
        return isNone(text) ? Optional.<String>empty() : Optional.of(text);
    }, text -> text.orElse("none"));
    static final Syntax<Optional<String>> CHROOT_DIRECTORY = oneLine(Syntax::chrootDirectory,
            dir -> dir.map(Syntax::word).orElse("none"));
    /** AllowUsers, DenyUsers: repeatable, and -T prints a line per pattern, as sshd -T does. */
    static final Syntax<List<String>> USER_PATTERNS =
            patterns(AccessRules::validUserPattern, "invalid %s pattern: \"%s\"");
    static final Syntax<List<String>> GROUP_PATTERNS = patterns(p -> !p.isEmpty(), "empty %s pattern");
    static final Syntax<List<List<String>>> AUTHENTICATION_METHODS = oneLine(Syntax::authenticationMethods,
            lists -> lists.isEmpty() ? ANY : lists.stream().map(l -> String.join(",", l))
                    .collect(Collectors.joining(" ")));

    /** AllowTcpForwarding: sshd's multistate_tcpfwd, "all" being yes. */
    static final Syntax<Forwarding.Allow> ALLOW_TCP_FORWARDING = multistate(List.of(entry("yes", Forwarding.Allow.YES),
            entry("all", Forwarding.Allow.YES), entry("no", Forwarding.Allow.NO),
            entry("remote", Forwarding.Allow.REMOTE), entry("local", Forwarding.Allow.LOCAL)));
    /** PermitOpen: host:port targets ([v6]:port, host/port; port or host "*"), or "any" or "none" alone. */
    static final Syntax<List<String>> PERMIT_OPEN = oneLine(Syntax::permitOpen, targets -> String.join(" ", targets));

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

    /**
     * sshd's multistate options: one of a fixed set of words, compared without case. -T prints a value's
     * first word, as sshd's fmt_multistate_int() does.
     */
    private static <T> Syntax<T> multistate(List<Map.Entry<String, T>> words) {
        return oneLine(d -> {
            String word = d.argument();
            return words.stream().filter(w -> w.getKey().equalsIgnoreCase(word)).findFirst()
                    .orElseThrow(() -> d.error("unsupported option \"" + word + "\".")).getValue();
        }, value -> words.stream().filter(w -> w.getValue().equals(value)).findFirst().orElseThrow().getKey());
    }

    private static List<String> permitOpen(Directive d) throws ConfigException {
        List<String> targets = d.arguments(1, Integer.MAX_VALUE);
        for (String target : targets) {
            if (target.equals(Forwarding.ANY) || target.equals(Forwarding.NONE)) {
                if (targets.size() > 1) {
                    throw d.error("keyword " + d.keyword() + " \"" + target + "\" argument must appear alone.");
                }
            } else if (Forwarding.target(target).isEmpty()) {
                throw d.error("bad port number or missing host in " + d.keyword() + ": \"" + target + "\"");
            }
        }
        return List.copyOf(targets);
    }

    static boolean isNone(String argument) {
        return argument.equalsIgnoreCase("none");
    }

    /** A count from 0, as sshd's atoi_err(): strtonum() in base 10, with its three complaints. */
    static int count(Directive d) throws ConfigException {
        return count(d, d.argument());
    }

    /** One count of a keyword's argument, which may hold several (TransportPoolSize's "2:10"). */
    static int count(Directive d, String number) throws ConfigException {
        String why;
        if (!number.matches("[+-]?[0-9]+")) {
            why = "invalid";
        } else {
            BigInteger value = new BigInteger(number);
            if (value.signum() >= 0 && value.bitLength() < Integer.SIZE) {
                return value.intValue();
            }
            why = value.signum() < 0 ? "too small" : "too large";
        }
        throw d.error(d.keyword() + " integer value " + why + ".");
    }

    static int countUpTo(Directive d, String number, int max) throws ConfigException {
        int count = count(d, number);
        if (count > max) {
            throw d.error(d.keyword() + " integer value too large (at most " + max + ").");
        }
        return count;
    }

    /** The one argument, for the keywords whose missing argument sshd reports with the keyword's name. */
    static String keywordArgument(Directive d) throws ConfigException {
        List<String> arguments = d.arguments(0, 1);
        if (arguments.isEmpty() || arguments.get(0).isEmpty()) {
            throw d.error(d.keyword() + " missing argument.");
        }
        return arguments.get(0);
    }

    /**
     * The colon-separated numbers an argument starts with, at most {@code most} of them, as sshd's
     * sscanf(arg, "%d:%d:%d") reads MaxStartups and PerSourceNetBlockSize: reading stops at the first
     * thing that is not ":number", and the rest of the argument is ignored. A number beyond an int, which
     * sscanf() cannot store, makes the spec invalid.
     */
    static List<Integer> leadingNumbers(Directive d, String argument, int most) throws ConfigException {
        List<Integer> numbers = new ArrayList<>();
        Matcher number = DECIMAL.matcher(argument);
        int at = 0;
        while (numbers.size() < most && number.region(at, argument.length()).lookingAt()) {
            BigInteger value = new BigInteger(number.group());
            if (value.bitLength() >= Integer.SIZE) {
                throw invalidSpec(d);
            }
            numbers.add(value.intValue());
            int end = number.end();
            if (end == argument.length() || argument.charAt(end) != ':') {
                break;
            }
            at = end + 1;
        }
        return numbers;
    }

    static ConfigException invalidSpec(Directive d) {
        return d.error("Invalid " + d.keyword() + " spec.");
    }

    /**
     * sshd's convtime(): seconds, or a sum such as "1h30m", up to INT_MAX seconds; 0 means no limit. RekeyLimit's
     * interval has this syntax, plus a "none" that convtime() refuses, so RekeyLimit reads it.
     */
    static Duration time(Directive d) throws ConfigException {
        String time = d.argument();
        if (isNone(time)) {
            throw d.error(INVALID_TIME);
        }
        Duration seconds = RekeyLimit.SYNTAX.parse(new Directive(d.keyword(), List.of("default", time), d.file(),
                d.line())).interval().orElse(Duration.ZERO);
        if (seconds.getSeconds() > Integer.MAX_VALUE) {
            throw d.error(INVALID_TIME);
        }
        return seconds;
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

    private static Optional<InetSocketAddress> addressPortOrNone(Directive d) throws ConfigException {
        if (isNone(d.argument())) {
            return Optional.empty();
        }
        InetSocketAddress address = listenAddress(d).get(0);
        if (address.getPort() == 0) {
            throw d.error(d.keyword() + " needs a port: ADDRESS:PORT or [ADDRESS]:PORT");
        }
        return Optional.of(address);
    }

    private static Optional<String> addressListOrNone(Directive d) throws ConfigException {
        String list = keywordArgument(d);
        if (isNone(list)) {
            return Optional.empty();
        }
        if (HostPatterns.addressList(InetAddress.getLoopbackAddress(), list) == HostPatterns.Match.INVALID) {
            throw d.error("keyword " + d.keyword() + " invalid address argument.");
        }
        return Optional.of(list);
    }

    private static String hostPort(InetSocketAddress address) {
        String host = Addresses.text(address.getAddress());
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
        return word(path.toString());
    }

    /** One argument as -T prints it: quoted if it would not read back as one word. */
    private static String word(String argument) {
        return Directive.join(List.of(argument));
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
            checkTokens(d, "AuthorizedKeysFile", file);
        }
        return List.copyOf(files);
    }

    private static Optional<String> authorizedPrincipalsFile(Directive d) throws ConfigException {
        String file = d.argument();
        if (isNone(file)) {
            return Optional.empty();
        }
        checkTokens(d, "AuthorizedPrincipalsFile", file);
        return Optional.of(file);
    }

    /**
     * A path or none. %h %u %U %% are expanded at login, an sftpd extension (sshd expands none
     * here) so that a user may keep their own CA file; a path without tokens is made absolute now.
     */
    private static Optional<String> trustedUserCaKeys(Directive d) throws ConfigException {
        String file = d.argument();
        if (isNone(file)) {
            return Optional.empty();
        }
        checkTokens(d, "TrustedUserCAKeys", file);
        return Optional.of(file.indexOf('%') >= 0 ? file : path(d, file).toString());
    }

    /**
     * ChrootDirectory: none, or a pattern with %h %u %U %% that must name an absolute path, as
     * sshd's session code insists ("chroot path does not begin at root").
     */
    private static Optional<String> chrootDirectory(Directive d) throws ConfigException {
        String dir = d.argument();
        if (isNone(dir)) {
            return Optional.empty();
        }
        checkTokens(d, "ChrootDirectory", dir);
        if (!dir.startsWith("/") && !dir.startsWith("%h")) {
            throw d.error("ChrootDirectory \"" + dir + "\" does not begin at root");
        }
        return Optional.of(dir);
    }

    /** Tokens are checked now, so that a typo fails at start rather than at a login. */
    private static void checkTokens(Directive d, String keyword, String file) throws ConfigException {
        try {
            Config.userFile(file, "user", 0, Path.of("/"));
        } catch (IllegalArgumentException e) {
            throw d.error("bad " + keyword + " \"" + file + "\": " + e.getMessage());
        }
    }

    /**
     * Patterns that add up line after line; sshd refuses a line without one, and each one it cannot match.
     *
     * @param refusal sshd's message, with %s for the keyword as written and for the pattern
     */
    private static Syntax<List<String>> patterns(Predicate<String> valid, String refusal) {
        return linePerValue(d -> {
            List<String> patterns = d.arguments(1, Integer.MAX_VALUE);
            for (String pattern : patterns) {
                if (!valid.test(pattern)) {
                    throw d.error(String.format(refusal, d.keyword(), pattern));
                }
            }
            return List.copyOf(patterns);
        }, Syntax::word);
    }

    /**
     * Space-separated lists, each a comma-separated sequence of methods that must all succeed, as sshd's
     * auth2_methods_valid() reads them; "any" alone means one method suffices. Empty for "any".
     */
    private static List<List<String>> authenticationMethods(Directive d) throws ConfigException {
        List<String> arguments = d.arguments(1, Integer.MAX_VALUE);
        List<List<String>> lists = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String list = arguments.get(i);
            // Where sshd finds it: a list before "any" is checked before "any" is refused.
            if (i > 0 && (list.equals(ANY) || arguments.get(0).equals(ANY))) {
                throw d.error("\"" + ANY + "\" must appear alone in " + d.keyword());
            }
            if (list.equals(ANY)) {
                continue;
            }
            List<String> methods = List.of(list.split(",", -1));
            for (String method : methods) {
                if (!METHODS.contains(method)) {
                    throw d.error("invalid " + d.keyword() + " method list: unsupported authentication method \""
                            + method + "\"");
                }
            }
            lists.add(methods);
        }
        return List.copyOf(lists);
    }
}
