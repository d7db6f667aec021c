// Reads sftpd_config as sshd reads sshd_config: -o lines first, then the file (and the files it includes), the first value winning; -p and -h replace.
package dev.sftpd.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public final class ConfigParser {
    private static final String MATCH = "Match";
    private static final String INCLUDE = "Include";
    /** Where relative Include paths start, whatever -f names: sshd's SSHDIR. */
    static final Path INCLUDE_DIRECTORY = Path.of("/etc/sftpd");
    /** sshd's READCONF_MAX_DEPTH: a file that includes itself fails instead of looping. */
    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final Pattern WILDCARD = Pattern.compile("[*?\\[]");

    /**
     * The global block, then (once Match is supported) a block per Match line, in file order; a Match block's
     * settings override the global ones for the connections its criteria select, as in sshd.
     *
     * @param criteria the Match line's criteria; empty for the global block
     */
    private record Block(Optional<String> criteria, Settings settings) {}

    private final List<Block> blocks = new ArrayList<>(List.of(new Block(Optional.empty(), new Settings())));

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
        return parse(file, true, overrides, ports, hostKeys);
    }

    /** As {@link #parse}, but without the file sftpd runs on defaults and flags (its embedded mode). */
    public static Config parseIfExists(Path file, List<String> overrides, List<Integer> ports, List<Path> hostKeys)
            throws ConfigException, IOException {
        return parse(file, false, overrides, ports, hostKeys);
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
        for (int i = 0; i < lines.length; i++) {
            parser.line(lines[i], "effective configuration", i + 1);
        }
        return Config.from(parser.blocks.get(0).settings());
    }

    private static Config parse(Path file, boolean required, List<String> overrides, List<Integer> ports,
                                List<Path> hostKeys) throws ConfigException, IOException {
        ConfigParser parser = new ConfigParser();
        for (String override : overrides) {
            parser.line(override, Directive.COMMAND_LINE, 0);
        }
        // As sshd: every bad line, of this file or one it includes, is reported, then the run ends.
        List<String> errors = new ArrayList<>();
        parser.file(file, read(file, required), 0, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors, file + ": terminating, " + errors.size() + " bad configuration options");
        }
        Settings global = parser.blocks.get(0).settings();
        global.overlay(commandLine(ports, hostKeys));
        return Config.from(global);
    }

    /** Each line of one file, in order; an Include line reads its files in its place, as sshd's does. */
    private void file(Path file, List<String> lines, int depth, List<String> errors) throws IOException {
        for (int i = 0; i < lines.size(); i++) {
            try {
                Optional<Directive> directive = Directive.parse(lines.get(i), file.toString(), i + 1);
                if (directive.isPresent() && directive.get().keyword().equalsIgnoreCase(INCLUDE)) {
                    include(directive.get(), depth, errors);
                } else if (directive.isPresent()) {
                    apply(directive.get());
                }
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
    }

    private void include(Directive d, int depth, List<String> errors) throws ConfigException, IOException {
        if (depth == MAX_INCLUDE_DEPTH) {
            throw d.error("Too many recursive configuration includes");
        }
        for (String pattern : d.arguments(1, Integer.MAX_VALUE)) {
            for (Path included : included(d, pattern)) {
                file(included, read(included, true), depth + 1, errors);
            }
        }
    }

    /**
     * The files one Include argument names, in name order, as glob(3) gives them to sshd: relative to
     * /etc/sftpd; wildcards (* ? [...]) in the last component only; names starting with a dot only
     * when the pattern does; nothing, and no error, when nothing matches.
     */
    private static List<Path> included(Directive d, String pattern) throws ConfigException, IOException {
        Path path = INCLUDE_DIRECTORY.resolve(pattern);
        Path parent = path.getParent();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (parent == null || WILDCARD.matcher(parent.toString()).find()) {
            throw d.error("Include \"" + pattern + "\": wildcards are allowed in the last path component only");
        }
        if (!WILDCARD.matcher(name).find()) {
            return Files.isRegularFile(path) ? List.of(path) : List.of();
        }
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (Stream<Path> files = Files.list(parent)) {
            return files.filter(f -> matcher.matches(f.getFileName()) && Files.isRegularFile(f))
                    .filter(f -> name.startsWith(".") || !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
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

    private void line(String text, String file, int number) throws ConfigException {
        Optional<Directive> directive = Directive.parse(text, file, number);
        if (directive.isPresent()) {
            apply(directive.get());
        }
    }

    private void apply(Directive d) throws ConfigException {
        if (d.keyword().equalsIgnoreCase(MATCH)) {
            throw d.error("Match blocks are not supported yet");
        }
        Keyword<?> keyword = Keywords.find(d.keyword()).orElseThrow(() -> Keywords.notSupported(d.keyword())
                ? d.error("unsupported option \"" + d.keyword() + "\"") : d.badOption());
        Block block = blocks.get(blocks.size() - 1);
        if (block.criteria().isPresent() && !keyword.inMatch()) {
            throw d.error("Directive '" + d.keyword() + "' is not allowed within a Match block");
        }
        keyword.apply(d, block.settings());
    }
}
