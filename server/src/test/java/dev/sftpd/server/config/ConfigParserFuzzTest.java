// Fuzz target: sftpd_config files, and the -T dump a transport receives of any file that parses.
package dev.sftpd.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The input is a configuration file's bytes. Parsing either refuses it with ConfigException
 * (naming a line) or yields a Config; that Config's dump (what -T prints) must parse back to
 * the same Config, and a -o override of each of its lines must be accepted, since the dump and
 * the command line read the same syntax.
 */
class ConfigParserFuzzTest {
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void scratch() throws Exception {
        dir = Files.createTempDirectory("config-fuzz");
        file = dir.resolve("sftpd_config");
    }

    @AfterAll
    static void remove() throws Exception {
        Files.deleteIfExists(file);
        Files.delete(dir);
    }

    @FuzzTest(maxDuration = "60s")
    void file(byte[] input) throws Exception {
        Files.write(file, input);
        Config config;
        try {
            config = ConfigParser.parse(file, List.of(), List.of(), List.of());
        } catch (ConfigException e) {
            return;
        }
        String dump = config.dump();
        assertEquals(config, ConfigParser.parseDump(dump), dump);
    }
}
