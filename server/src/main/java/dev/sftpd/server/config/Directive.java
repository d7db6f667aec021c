// One configuration line split as sshd splits it (keyword, then arguments), remembering where it came from.
package dev.sftpd.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * @param keyword as written: sshd's keywords are case-insensitive, and errors quote the user's spelling
 * @param file the configuration file, or "command-line" for -o, -p and -h, as sshd names them
 * @param line counted from 1; 0 on the command line
 */
record Directive(String keyword, List<String> arguments, String file, int line) {
    static final String COMMAND_LINE = "command-line";
    /** Where the lines of ConfigParser.parseDump come from. */
    static final String DUMP = "effective configuration";

    /** The directive on a line of text; empty for blank and comment lines. */
    static Optional<Directive> parse(String text, String file, int line) throws ConfigException {
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            // sshd's C string would end there, silently dropping the rest (a value, a second word).
            throw new Directive("", List.of(), file, line).error("NUL byte at column " + (nul + 1));
        }
        int start = skipSpace(text, 0);
        if (start == text.length() || text.charAt(start) == '#') {
            return Optional.empty();
        }
        int end = start;
        while (end < text.length() && !isSpace(text.charAt(end)) && text.charAt(end) != '=') {
            end++;
        }
        // "Keyword value", "Keyword=value" and "Keyword = value" are one form, as sshd's strdelim() reads them.
        int rest = skipSpace(text, end);
        if (rest < text.length() && text.charAt(rest) == '=') {
            rest = skipSpace(text, rest + 1);
        }
        Directive directive = new Directive(text.substring(start, end), List.of(), file, line);
        List<String> arguments = split(text.substring(rest)).orElseThrow(() -> directive.error("invalid quotes"));
        return Optional.of(new Directive(directive.keyword, arguments, file, line));
    }

    /**
     * Whitespace-separated words, as sshd's argv_split(): double quotes group words (and are dropped), and a
     * '#' that starts a word comments out the rest of the line. Empty when a quote is left open.
     */
    private static Optional<List<String>> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                quoted = c != '"';
                if (quoted) {
                    word.append(c);
                }
            } else if (isSpace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                quoted = c == '"';
                if (!quoted) {
                    word.append(c);
                }
            }
        }
        if (quoted) {
            return Optional.empty();
        }
        if (word != null) {
            words.add(word.toString());
        }
        return Optional.of(words);
    }

    /** Arguments as parse() reads them back, for -T: quoted where split() would cut, drop or comment out. */
    static String join(List<String> arguments) {
        return arguments.stream().map(Directive::quote).collect(Collectors.joining(" "));
    }

    private static String quote(String argument) {
        boolean plain = !argument.isEmpty() && argument.charAt(0) != '#' && argument.charAt(0) != '='
                && argument.chars().noneMatch(Directive::isSpace);
        return plain ? argument : '"' + argument + '"';
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && isSpace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The arguments, min to max of them, else sshd's complaint about too few or too many. */
    List<String> arguments(int min, int max) throws ConfigException {
        if (arguments.size() < min) {
            throw error("missing argument.");
        }
        if (arguments.size() > max) {
            throw error("keyword " + keyword + " extra arguments at end of line");
        }
        return arguments;
    }

    /** The one, non-empty argument of a single-valued keyword (sshd takes "" for a missing one too). */
    String argument() throws ConfigException {
        String argument = arguments(1, 1).get(0);
        if (argument.isEmpty()) {
            throw error("missing argument.");
        }
        return argument;
    }

    ConfigException error(String what) {
        return new ConfigException(file + " line " + line + ": " + what);
    }

    /** A keyword sshd does not know either, in sshd's own wording (which, unlike the others, has a colon). */
    ConfigException badOption() {
        return new ConfigException(file + ": line " + line + ": Bad configuration option: " + keyword);
    }
}
