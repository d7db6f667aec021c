// Test helper: a configuration file written from lines into a temporary directory, and parsed as sftpd parses it.
package dev.sftpd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

final class ConfigFile {
    private ConfigFile() {}

    static Path write(Path dir, String... lines) throws IOException {
        Path file = dir.resolve("sftpd_config");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    static Config parse(Path dir, String... lines) throws Exception {
        return ConfigParser.parse(write(dir, lines), List.of(), List.of(), List.of());
    }

    /** Parses the -T output of config as a configuration file of its own, in a directory below dir. */
    static Config reparse(Path dir, Config config) throws Exception {
        Path again = Files.createDirectories(dir.resolve("again"));
        return ConfigParser.parse(write(again, config.dump()), List.of(), List.of(), List.of());
    }

    /** The -T lines of a configuration that start with keyword (in -T's lower case). */
    static List<String> dumped(Path dir, String keyword, String... lines) throws Exception {
        return parse(dir, lines).dump().lines().filter(l -> l.startsWith(keyword + " ")).toList();
    }

    /** Asserts that the -T output reads back as the same configuration, from a file and as the transport reads it. */
    static void assertRoundTrip(Path dir, String... lines) throws Exception {
        Config c = parse(dir, lines);
        assertEquals(c, reparse(dir, c));
        assertEquals(c, ConfigParser.parseDump(c.dump()));
    }

    /** The message the configuration is refused with. */
    static String error(Path dir, String... lines) {
        return String.join("\n", assertThrows(ConfigException.class, () -> parse(dir, lines)).errors());
    }

    /** "FILE line N", how an error about line N of the file begins. */
    static String at(Path dir, int line) {
        return dir.resolve("sftpd_config") + " line " + line;
    }
}
