// Reads sftpd_config as sshd reads sshd_config: -o lines first, then the file, the first value winning; -p and -h replace.
package dev.sftpd.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public final class ConfigParser {
    private static final String MATCH = "Match";
    private static final String INCLUDE = "Include";
    /** Where a relative Include path starts, as sshd's start in /etc/ssh. */
    static final Path INCLUDE_DIRECTORY = Path.of("/etc/sftpd");
    /** sshd's SERVCONF_MAX_DEPTH. */
    private static final int MAX_INCLUDE_DEPTH = 16;

    /**
     * sshd allows these in Match, but here the unprivileged transport applies them (MINA's method
     * sequence, its rekeying, its keepalives, the banner it sends) on the global value: refused rather than silently
     * not applied.
     */
    private static final Set<Keyword<?>> NOT_YET_IN_MATCH = Set.of(Keywords.AUTHENTICATION_METHODS,
            Keywords.REKEY_LIMIT, Keywords.CLIENT_ALIVE_INTERVAL, Keywords.CLIENT_ALIVE_COUNT_MAX, Keywords.BANNER);

    private final Settings global = new Settings();
    private final List<Configuration.Block> matchBlocks = new ArrayList<>();
    /** Where lines go: the global settings until the first Match line, then the latest Match block. */
    private Optional<Configuration.Block> current = Optional.empty();
    /** As sshd: every bad line is reported, then the run ends. */
    private final List<String> errors = new ArrayList<>();

    private ConfigParser() {}

    /**
     * @param overrides -o values ("Keyword=value" or "Keyword value"); they come first, so they win
     * @param ports -p values, replacing every Port line
     * @param hostKeys -h values, replacing every HostKey line
     * @throws ConfigException for a missing file, a bad -o value, or the file's bad lines: one per
     *     line, then sshd's "FILE: terminating, N bad configuration options"
     */
    public static Config parse(Path file, List<String> overrides, List<Integer> ports, List<Path> hostKeys)
            throws ConfigException, IOException {
        return read(file, true, overrides, ports, hostKeys).global();
    }

    /** As {@link #parse}, but without the file sftpd runs on defaults and flags (its embedded mode). */
    public static Config parseIfExists(Path file, List<String> overrides, List<Integer> ports, List<Path> hostKeys)
            throws ConfigException, IOException {
        return read(file, false, overrides, ports, hostKeys).global();
    }

    /** As {@link #parse} (or {@link #parseIfExists} when not {@code required}), with the Match blocks. */
    public static Configuration read(Path file, boolean required, List<String> overrides, List<Integer> ports,
                                     List<Path> hostKeys) throws ConfigException, IOException {
        ConfigParser parser = new ConfigParser();
        for (String override : overrides) {
            parser.line(override, Directive.COMMAND_LINE, 0, 0);
        }
        parser.current = Optional.empty();
        parser.errors.clear();
        parser.readFile(file, required, 0);
        if (!parser.errors.isEmpty()) {
            throw new ConfigException(parser.errors, file + ": terminating, " + parser.errors.size()
                    + " bad configuration options");
        }
        parser.global.overlay(commandLine(ports, hostKeys));
        return new Configuration(parser.global, parser.matchBlocks);
    }

    /**
     * Where a keyword's line with this value is, as "FILE line N" (the prefix of sshd's messages),
     * for problems found after parsing, such as a HostKey that cannot be loaded; empty when the
     * value came from the command line or a default.
     */
    public static Optional<String> locate(Path file, String keyword, String value) throws IOException {
        List<String> lines;
        try {
            lines = read(file, false);
        } catch (ConfigException e) {
            return Optional.empty();
        }
        for (int i = 0; i < lines.size(); i++) {
            try {
                Optional<Directive> d = Directive.parse(lines.get(i), file.toString(), i + 1);
                if (d.isPresent() && d.get().keyword().equalsIgnoreCase(keyword)
                        && d.get().arguments().contains(value)) {
                    return Optional.of(file + " line " + (i + 1));
                }
            } catch (ConfigException e) {
                // A line that does not parse was reported when the file was read.
            }
        }
        return Optional.empty();
    }

    /** The configuration a -T dump describes: how the monitor hands its effective settings to a worker. */
    public static Config parseDump(String dump) throws ConfigException {
        ConfigParser parser = new ConfigParser();
        String[] lines = dump.split("\n", -1);
        try {
            for (int i = 0; i < lines.length; i++) {
                parser.line(lines[i], Directive.DUMP, i + 1, 0);
            }
        } catch (IOException e) {
            // Only an Include reads files, and no dump has one.
            throw new ConfigException(Directive.DUMP + ": " + e.getMessage());
        }
        return Config.from(parser.global);
    }

    /** One file's lines; an error is kept for the report and the next line read. */
    private void readFile(Path file, boolean required, int depth) throws ConfigException, IOException {
        List<String> lines = read(file, required);
        for (int i = 0; i < lines.size(); i++) {
            try {
                line(lines.get(i), file.toString(), i + 1, depth);
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
    }

    private static List<String> read(Path file, boolean required) throws ConfigException, IOException {
        try {
            // Lines end at \n only: a \r is whitespace, as for sshd, and keeps the line numbers sshd would give.
            return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1));
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ConfigException(file + ": No such file or directory");
            }
            return List.of();
        }
    }

    /** -p and -h read as Port and HostKey lines, so they are checked alike, but replace the file's values. */
    private static Settings commandLine(List<Integer> ports, List<Path> hostKeys) throws ConfigException {
        Settings settings = new Settings();
        for (int port : ports) {
            Keywords.PORT.apply(commandLine(Keywords.PORT, port), settings);
        }
        for (Path hostKey : hostKeys) {
            Keywords.HOST_KEY.apply(commandLine(Keywords.HOST_KEY, hostKey), settings);
        }
        return settings;
    }

    private static Directive commandLine(Keyword<?> keyword, Object argument) {
        return new Directive(keyword.name(), List.of(String.valueOf(argument)), Directive.COMMAND_LINE, 0);
    }

    private void line(String text, String file, int number, int depth) throws ConfigException, IOException {
        Optional<Directive> directive = Directive.parse(text, file, number);
        if (directive.isPresent()) {
            apply(directive.get(), depth);
        }
    }

    private void apply(Directive d, int depth) throws ConfigException, IOException {
        for (String fileOnly : List.of(MATCH, INCLUDE)) {
            if (d.keyword().equalsIgnoreCase(fileOnly) && d.file().equals(Directive.COMMAND_LINE)) {
                throw d.error(fileOnly + " directive not supported as a command-line option");
            }
        }
        if (d.keyword().equalsIgnoreCase(MATCH)) {
            Configuration.Block block = new Configuration.Block(MatchCriteria.parse(d), new Settings());
            matchBlocks.add(block);
            current = Optional.of(block);
            return;
        }
        if (d.keyword().equalsIgnoreCase(INCLUDE)) {
            include(d, depth);
            return;
        }
        Keyword<?> keyword = Keywords.find(d.keyword()).orElseThrow(() -> Keywords.notSupported(d.keyword())
                ? d.error("unsupported option \"" + d.keyword() + "\"") : d.badOption());
        if (current.isPresent() && !keyword.inMatch()) {
            throw d.error("Directive '" + d.keyword() + "' is not allowed within a Match block");
        }
        if (current.isPresent() && NOT_YET_IN_MATCH.contains(keyword)) {
            throw d.error("Directive '" + d.keyword() + "' within a Match block is not supported by sftpd yet: the "
                    + "transport applies it before the user is known");
        }
        keyword.apply(d, current.map(Configuration.Block::settings).orElse(global));
    }

    /**
     * Include: each argument a glob, relative to /etc/sftpd unless absolute, its files read in
     * sorted order as if their lines stood here; allowed inside a Match block, whose criteria the
     * included lines then share. A Match line in an included file holds to that file's end: the
     * including file goes on where it was, as sshd restores its Match state after an include.
     */
    private void include(Directive d, int depth) throws ConfigException, IOException {
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw d.error("Too many recursive configuration includes");
        }
        for (String argument : d.arguments(1, Integer.MAX_VALUE)) {
            Path pattern = INCLUDE_DIRECTORY.resolve(argument);
            for (Path file : Glob.expand(pattern)) {
                if (!Files.isRegularFile(file)) {
                    // A directory or a device (/dev/zero would never end) is no configuration.
                    throw d.error("Include " + file + ": not a regular file");
                }
                Optional<Configuration.Block> outer = current;
                readFile(file, true, depth + 1);
                if (!current.equals(outer)) {
                    current = outer.map(block -> new Configuration.Block(block.criteria(), new Settings()));
                    current.ifPresent(matchBlocks::add);
                }
            }
        }
    }
}
