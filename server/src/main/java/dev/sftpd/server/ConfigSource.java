// Where the daemon's configuration and host keys come from: read at start, and again on SIGHUP with the same flags.
package dev.sftpd.server;

import dev.sftpd.monitor.HostKeys;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigException;
import dev.sftpd.server.config.ConfigParser;
import dev.sftpd.server.config.Configuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The configuration file with the command line's -o, -p and -h applied, and the host keys it names. */
final class ConfigSource {
    /** The configuration with its Match blocks, and the host keys its global settings name. */
    record Loaded(Configuration configuration, HostKeys hostKeys) {
        /** The global settings: what the daemon itself runs with. */
        Config config() {
            return configuration.global();
        }
    }

    /** A configuration or host key the daemon will not run with: one line per problem, naming file and line. */
    static final class Refused extends Exception {
        private final List<String> errors;

        Refused(List<String> errors) {
            super(String.join("\n", errors), null, false, false);
            this.errors = List.copyOf(errors);
        }

        List<String> errors() {
            return errors;
        }
    }

    private final DaemonFlags flags;

    ConfigSource(DaemonFlags flags) {
        this.flags = flags;
    }

    /** What SIGHUP reads: every bad line is reported, as {@code sftpd -t} reports them. */
    Loaded load() throws Refused {
        Configuration configuration;
        try {
            configuration = ConfigParser.read(flags.configFile(), false, flags.overrides(), flags.ports(),
                    flags.hostKeys());
        } catch (ConfigException e) {
            throw new Refused(e.errors());
        } catch (IOException e) {
            throw new Refused(List.of(flags.configFile() + ": " + e.getMessage()));
        }
        return new Loaded(configuration, hostKeys(configuration.global()));
    }

    /**
     * The host keys, the built-in ones created when missing (as sshd's packaging runs ssh-keygen -A);
     * a HostKey that cannot be read is refused with the line that names it.
     */
    HostKeys hostKeys(Config config) throws Refused {
        try {
            if (config.hostKeysDefaulted()) {
                HostKeys.createMissing(config.hostKeys());
            }
            for (Path key : config.hostKeys()) {
                if (!Files.isReadable(key)) {
                    throw new Refused(List.of(unloadable(key)));
                }
            }
            return HostKeys.load(config.hostKeys());
        } catch (Refused e) {
            throw e;
        } catch (Exception e) {
            throw new Refused(List.of("sftpd: could not load host key: " + e.getMessage()));
        }
    }

    /** A HostKey that cannot be read, named with the configuration line that asks for it. */
    String unloadable(Path key) {
        String where;
        try {
            where = ConfigParser.locate(flags.configFile(), "HostKey", key.toString()).orElse("sftpd");
        } catch (IOException e) {
            where = "sftpd";
        }
        return where + ": Could not load host key: " + key;
    }

    /** The file, for log lines. */
    String describe() {
        return flags.configFile().toString();
    }
}
